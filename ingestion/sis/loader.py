"""Loading the chosen SIS files into `raw.sis__<table>` through the typed loader.

All of a table's files are read by one UNION ALL view over `read_csv` calls, so a table is
loaded by a single INSERT … SELECT however many yearly files it has. With incremental loads on,
only the files that changed since they were loaded are read (`file_delta.py`): a nightly drop
reloads the current school year and the snapshot tables, not the history. A year-scoped load
that would empty or sharply shrink a school year fails instead (`volume_guard.py`).
"""

from __future__ import annotations

import duckdb

from ingestion.common.csv_files import (
    check_header,
    csv_header,
    explain_failed_load,
    staged_csv_select,
)
from ingestion.common.file_delta import SourceFile, plan_file_delta
from ingestion.common.settings import SIS_FORMATS, SourceSettings
from ingestion.common.typed_load import LoadResult, load_typed, record_unchanged_load
from ingestion.common.volume_guard import rows_per_school_year, volume_guard
from ingestion.contracts import SIS_TABLES, TableContract
from ingestion.sis.drops import (
    SisDrop,
    SisSourceError,
    discover_drops,
    refuse_future_drops,
    select_files,
)
from warehouse.sql import quote_identifier, quote_literal


def staged_view_name(contract: TableContract) -> str:
    return f"_staged_{contract.raw_table}"


def load_sis_table(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    contract: TableContract,
    drops: list[SisDrop],
) -> LoadResult:
    """Stage the table's changed files as one all-text view and load it."""
    chosen = select_files(drops, contract)
    drop_dates = {sis_file.path: sis_file.drop_date for sis_file in chosen}
    files = [SourceFile.at(f.path, settings.relative_source_path(f.path)) for f in chosen]
    delta = plan_file_delta(con, contract, files, settings.is_incremental)
    if delta.is_unchanged:
        return record_unchanged_load(con, contract, [f.lineage for f in files])
    selects, warnings, read_files = [], [], []
    for changed in delta.to_load:
        source_file = changed.lineage
        header = csv_header(con, changed.path, SisSourceError, source_file)
        warnings += check_header(
            header, contract.columns, changed.path, SisSourceError, source_file
        )
        read_files.append((changed.path, source_file, header))
        drop_date = drop_dates[changed.path].isoformat()
        selects.append(
            staged_csv_select(
                header,
                changed.path,
                contract.columns,
                source_file,
                {"_drop_date": f"date {quote_literal(drop_date)}"},
            )
        )
    view = staged_view_name(contract)
    guard = None
    if contract.year_scoped:
        files_by_year = {
            f.school_year: settings.relative_source_path(f.path) for f in chosen if f.school_year
        }
        previous = rows_per_school_year(con, contract.raw_table)
        guard = volume_guard(contract.raw_table, previous, files_by_year, settings, SisSourceError)
    try:
        if selects:
            con.execute(f"create or replace temp view {view} as\n" + "\nunion all\n".join(selects))
        else:  # only files that left the selection: their rows go, nothing is read
            con.execute(f"create or replace temp view {view} as {_no_rows_select(contract)}")
        return load_typed(
            con,
            view,
            contract,
            [source_file for _, source_file, _ in read_files],
            timezone=settings.district_timezone,
            error_type=SisSourceError,
            warnings=warnings,
            delta=delta,
            before_commit=guard,
        )
    except duckdb.Error as error:
        staging_error = SisSourceError(f"cannot stage {contract.name}: {error}")
        staging_error.__cause__ = error
        raise explain_failed_load(con, staging_error, read_files, SisSourceError) from error
    except SisSourceError as error:
        raise explain_failed_load(con, error, read_files, SisSourceError) from error.__cause__
    finally:
        con.execute(f"drop view if exists {view}")


def _no_rows_select(contract: TableContract) -> str:
    columns = ", ".join(f"null::varchar as {quote_identifier(c)}" for c in contract.columns)
    return (
        f"select {columns}, null::varchar as _source_file, null::bigint as _source_row, "
        "null::date as _drop_date where false"
    )


def tables_not_supplied(sis_format: str) -> frozenset[str]:
    """The raw SIS tables the transport has no source for, by raw table name.

    CSV drops have a file for every table. No Ed-Fi interchange or ODS/API resource is read
    into registrations or course grades yet (`edfi/contract_selects.py`), so with Ed-Fi those
    tables count as absent (orchestration/absent_sources.py): loaded empty, their checks
    passed, their measures "not reported", instead of a blocking "table is not empty" that
    every Ed-Fi district would have to declare away by hand.
    """
    if sis_format not in ("edfi_xml", "edfi_api"):
        return frozenset()
    from ingestion.sis.edfi.contract_selects import SELECTS

    return frozenset(c.raw_table for c in SIS_TABLES if c.name not in SELECTS)


def load_sis(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
) -> dict[str, LoadResult]:
    """Load every SIS table (or the given ones); results keyed by raw table name.

    `SIS_FORMAT` chooses the transport: dated CSV drops (`csv`), a folder of Ed-Fi XML
    interchanges (`edfi_xml`) or an Ed-Fi ODS/API (`edfi_api`, `ingestion/sis/edfi/`); all end
    in the same raw tables.
    """
    if settings.sis_format == "edfi_xml":
        from ingestion.sis.edfi import load_sis_edfi_xml

        return load_sis_edfi_xml(con, settings, tables)
    if settings.sis_format == "edfi_api":
        from ingestion.sis.edfi import load_sis_edfi_api

        return load_sis_edfi_api(con, settings, tables)
    if settings.sis_format != "csv":
        raise SisSourceError(
            f"SIS_FORMAT={settings.sis_format!r} is not one of {', '.join(SIS_FORMATS)}",
            rule="unknown_format",
        )
    drops = discover_drops(settings.sis_landing_dir)
    refuse_future_drops(drops, settings.today())
    return {
        contract.raw_table: load_sis_table(con, settings, contract, drops)
        for contract in (tables or SIS_TABLES)
    }
