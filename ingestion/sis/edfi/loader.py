"""Loading Ed-Fi records into the SIS contract's raw tables, from either transport.

- `SIS_FORMAT=edfi_xml`, `SIS_LANDING_DIR` a folder of interchange files: every file is
  streamed once into the staging tables (`interchange.py`).
- `SIS_FORMAT=edfi_api`, `EDFI_API_URL` with `EDFI_CLIENT_ID` / `EDFI_CLIENT_SECRET`: every
  resource of `api_records.RESOURCES` is paged through (`api_client.py`) into the same staging
  tables, as the same records.

Then the descriptor map is registered (`descriptors.py`) and each contract table is loaded by
the same typed loader as a CSV drop, from its SELECT (`contract_selects.py`), with unmapped
descriptors quarantined first; the same records give the same raw tables whichever transport
brought them. Every load is whole (the extract or the API is the district's complete record);
each table's audit row names the files or resource URLs its rows came from, and rows read =
loaded + quarantined per table.

`_drop_date` is the date (UTC) each file was last modified (when the SIS wrote the extract,
which is what the SIS freshness check asks about), or for the API the day it was read.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import duckdb

from ingestion.common.errors import SourceError
from ingestion.common.settings import SourceSettings
from ingestion.common.typed_load import LoadResult, RowCheck, load_typed
from ingestion.contracts import SIS_TABLES, TableContract
from ingestion.sis.drops import SisSourceError
from ingestion.sis.edfi.api_client import EdfiApiClient
from ingestion.sis.edfi.api_records import RESOURCES
from ingestion.sis.edfi.change_store import pull_into_store
from ingestion.sis.edfi.contract_selects import (
    RECORD_TYPES,
    ROW_CHECKS,
    SELECTS,
    no_rows_select,
    unmapped_columns,
)
from ingestion.sis.edfi.descriptors import read_descriptor_map, register_descriptor_map
from ingestion.sis.edfi.interchange import (
    InterchangeReadout,
    interchange_files,
    read_interchanges,
    staging_table,
)
from ingestion.sis.edfi.records import RECORD_COLUMNS


def mapping_checks(contract: TableContract, select: str | None = None) -> list[RowCheck]:
    """A quarantine check per descriptor-mapped column the contract requires, then the table's
    own. A required code that cannot be mapped (an attendance or program type) decides a
    measure, so its row is quarantined with the descriptor; an optional one (race, language)
    loads as not reported instead (`unmapped_optional_warnings`), so the student and every
    record of theirs stay in. `select` is another reader's SELECT (HR's), without the SIS's
    own row checks."""
    return [
        RowCheck(
            f"_unmapped_{column} is not null",
            "unmapped_descriptor",
            column,
            f"_unmapped_{column}",
        )
        for column in unmapped_columns(contract, select)
        if column in contract.required
    ] + (ROW_CHECKS.get(contract.name, []) if select is None else [])


def unmapped_optional_warnings(
    con: duckdb.DuckDBPyConnection, contract: TableContract, view: str, select: str | None = None
):
    """A warning per optional column with descriptors the map lacks: how many rows and which
    values (descriptor URIs, never a person's identity), loaded as not reported."""
    warnings = []
    for column in unmapped_columns(contract, select):
        if column in contract.required:
            continue
        rows, values = con.execute(
            f"select count(*), list(distinct _unmapped_{column} order by _unmapped_{column}) "
            f"from {view} where _unmapped_{column} is not null"
        ).fetchone()
        if rows:
            warnings.append(
                f"Ed-Fi: {rows} row(s) of {contract.name}.{column} carry descriptors the map "
                f"lacks, loaded as not reported: {', '.join(values[:5])}"
            )
    return warnings


def load_sis_edfi_xml(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
) -> dict[str, LoadResult]:
    """Load every SIS table (or the given ones) from the Ed-Fi interchanges of the landing dir."""
    files = interchange_files(settings.sis_landing_dir)
    mapping = read_descriptor_map(settings.edfi_descriptor_map)
    readout = read_interchanges(con, files, settings.relative_source_path)
    drop_dates = {
        settings.relative_source_path(path): datetime.fromtimestamp(
            path.stat().st_mtime, UTC
        ).date()
        for path in files
    }
    return _load_staged(con, mapping, readout, drop_dates, tables, settings.district_timezone)


def load_sis_edfi_api(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
    client: EdfiApiClient | None = None,
) -> dict[str, LoadResult]:
    """Load every SIS table (or the given ones) from the resources of an Ed-Fi ODS/API.

    The records are pulled into the store (`change_store.py`: whole, or the changes since the
    last pull), every resource before any table is touched, so a failed pull leaves the
    warehouse as it was; the contract tables are then rebuilt whole from the store.
    """
    if client is None:
        if not settings.edfi_api_url:
            raise SisSourceError("SIS_FORMAT=edfi_api needs EDFI_API_URL", rule="missing_setting")
        client = EdfiApiClient(
            settings.edfi_api_url,
            settings.edfi_client_id,
            settings.edfi_client_secret,
            page_size=settings.edfi_page_size,
            timeout_seconds=settings.edfi_timeout_seconds,
            max_retries=settings.edfi_max_retries,
            backoff_seconds=settings.edfi_backoff_seconds,
        )
    mapping = read_descriptor_map(settings.edfi_descriptor_map)
    readout, mode = pull_into_store(con, client, RESOURCES, settings.is_incremental)
    today = settings.today()
    results = _load_staged(
        con,
        mapping,
        readout,
        {url: today for url in readout.files},
        tables,
        settings.district_timezone,
    )
    return {
        raw_table: dataclasses.replace(
            result, warnings=(*result.warnings, f"Ed-Fi API: {mode} pull")
        )
        for raw_table, result in results.items()
    }


def _load_staged(
    con: duckdb.DuckDBPyConnection,
    mapping: dict[str, str],
    readout: InterchangeReadout,
    drop_dates: dict[str, date],
    tables: list[TableContract] | None,
    timezone: str,
) -> dict[str, LoadResult]:
    """Map the staged records to every contract table and load each; drop the staging."""
    register_descriptor_map(con, mapping)
    con.execute("create or replace temp table _edfi_files (source_file varchar, drop_date date)")
    con.executemany("insert into _edfi_files values (?, ?)", list(drop_dates.items()))
    try:
        return {
            contract.raw_table: _load_table(con, contract, readout, timezone)
            for contract in (tables or SIS_TABLES)
        }
    finally:
        for record_type in RECORD_COLUMNS:
            con.execute(f"drop table if exists {staging_table(record_type)}")
        con.execute("drop table if exists _edfi_files")


def _load_table(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    readout: InterchangeReadout,
    timezone: str,
) -> LoadResult:
    select = SELECTS.get(contract.name)
    warnings: list[str] = []
    files: list[str] = []
    if select is None:
        select = no_rows_select(contract)
        warnings.append(f"Ed-Fi: no interchange is read for {contract.name} (no rows)")
    else:
        files = readout.files_with(RECORD_TYPES[contract.name])
        if not files:
            warnings.append(f"Ed-Fi: no interchange had the elements of {contract.name} (no rows)")
    checks = mapping_checks(contract)
    return load_select(con, contract, select, files, timezone, SisSourceError, warnings, checks)


def load_select(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    select: str,
    files: list[str],
    timezone: str,
    error_type: type[SourceError],
    warnings: list[str],
    checks: list[RowCheck],
) -> LoadResult:
    """Load one contract table from its SELECT over the staging tables: the optional columns'
    unmapped descriptors warned of, `checks` (`mapping_checks`) quarantining rows first. Used
    by the SIS and by HR's Ed-Fi reader, each with its own SELECTs."""
    view = f"_staged_edfi_{contract.raw_table}"
    try:
        con.execute(f"create or replace temp view {view} as {select}")
        warnings = [*warnings, *unmapped_optional_warnings(con, contract, view, select)]
        return load_typed(
            con,
            view,
            contract,
            files,
            timezone=timezone,
            error_type=error_type,
            warnings=warnings,
            source_checks=checks,
        )
    finally:
        con.execute(f"drop view if exists {view}")
