"""Staging HR tables in DuckDB chunk by chunk and loading them through the typed loader.

`load_hr` is the source's entry: the HR database by default, or Ed-Fi staff interchanges
(`HR_FORMAT=edfi_xml`, `edfi/`) for a district without one.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np

from ingestion.common.cursors import advance_cursor_from, read_cursor
from ingestion.common.settings import HR_FORMATS, SourceSettings
from ingestion.common.typed_load import LoadResult, load_typed
from ingestion.contracts import HR_TABLES, TableContract
from ingestion.hr.client import HrSourceError, HrTableReader
from warehouse.sql import quote_identifier

_CHUNK_VIEW = "_hr_chunk"


def load_hr_table(
    con: duckdb.DuckDBPyConnection,
    reader: HrTableReader,
    contract: TableContract,
    timezone: str,
    modified_since: datetime | None = None,
) -> LoadResult:
    """Copy one HR table into a text staging table, then cast and load it.

    `_source_row` is the row's position in primary-key order (1-based) within this pull.
    An incremental pull (`modified_since`) merges by key instead of replacing the table.
    Every successful pull moves the table's cursor in `raw._source_cursors` to the newest
    `last_modified_at` it read, in the load's own transaction.
    """
    staged = f"_staged_{contract.raw_table}"
    source_file = reader.source_file(contract)
    column_defs = ", ".join(f"{quote_identifier(c)} varchar" for c in contract.columns)
    con.execute(
        f"create or replace temp table {staged} "
        f"({column_defs}, _source_file varchar, _source_row bigint)"
    )
    columns = ", ".join(quote_identifier(c) for c in contract.columns)
    rows_staged = 0
    try:
        for chunk in reader.read_chunks(contract, modified_since):
            chunk["_source_row"] = np.arange(rows_staged + 1, rows_staged + len(chunk) + 1)
            con.register(_CHUNK_VIEW, chunk)
            try:
                con.execute(
                    f"insert into {staged} select {columns}, $source_file, _source_row "
                    f"from {_CHUNK_VIEW}",
                    {"source_file": source_file},
                )
            except duckdb.Error as error:
                raise HrSourceError(
                    f"cannot stage rows {rows_staged + 1}–{rows_staged + len(chunk)} of "
                    f"{source_file}: {error}",
                    source_file=source_file,
                    source_row=rows_staged + 1,
                ) from error
            finally:
                con.unregister(_CHUNK_VIEW)
            rows_staged += len(chunk)
        return load_typed(
            con,
            staged,
            contract,
            [source_file],
            timezone=timezone,
            write_mode="merge" if modified_since is not None else "replace",
            error_type=HrSourceError,
            before_commit=advance_cursor_from(contract.source, contract.name, "last_modified_at"),
        )
    finally:
        con.execute(f"drop table if exists {staged}")


def tables_not_supplied(hr_format: str) -> frozenset[str]:
    """The raw HR tables the HR format has no source for, by raw table name.

    The HR database has every table. Ed-Fi staff interchanges fill staff and assignments only
    (`edfi/selects.py`), so under `HR_FORMAT=edfi_xml` positions, vacancies, applications and
    application events count as absent (orchestration/absent_sources.py), as registrations and
    course grades do under an Ed-Fi SIS_FORMAT: loaded empty, their measures "not reported".
    """
    if hr_format != "edfi_xml":
        return frozenset()
    from ingestion.hr.edfi import tables_not_supplied as not_in_edfi

    return not_in_edfi()


def load_hr(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
    modified_since: datetime | None = None,
    chunk_rows: int = 50_000,
) -> dict[str, LoadResult]:
    """Load every HR table (or the given ones); results keyed by raw table name.

    `HR_FORMAT` chooses the source: the HR database (`database`, below) or the district's Ed-Fi
    staff interchanges (`edfi_xml`, `edfi/`), both into the same raw tables.

    From the database, a table is pulled incrementally (rows with last_modified_at at or after
    the watermark, merged by key) when `modified_since` is given, or when INCREMENTAL_LOADS is on
    and the table has a stored cursor; otherwise whole, replacing the raw table. Each table is
    its own transaction: a failure leaves that table, and every table not yet loaded, as it was.
    """
    if settings.hr_format == "edfi_xml":
        from ingestion.hr.edfi import load_hr_edfi_xml

        return load_hr_edfi_xml(con, settings, tables)
    if settings.hr_format != "database":
        raise HrSourceError(
            f"HR_FORMAT={settings.hr_format!r} is not one of {', '.join(HR_FORMATS)}",
            rule="unknown_format",
        )
    reader = HrTableReader(settings.hr_database_url, chunk_rows=chunk_rows)
    results = {}
    for contract in tables or HR_TABLES:
        since = modified_since
        if since is None and settings.is_incremental:
            since = read_cursor(con, contract.source, contract.name)
        results[contract.raw_table] = load_hr_table(
            con, reader, contract, settings.district_timezone, since
        )
    return results
