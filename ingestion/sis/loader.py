"""Loading the chosen SIS files into `raw.sis__<table>` through the typed loader.

All of a table's files are read by one UNION ALL view over `read_csv` calls, so a table is
loaded by a single INSERT … SELECT however many yearly files it has.
"""

from __future__ import annotations

import duckdb

from ingestion.common.csv_files import (
    check_header,
    csv_header,
    explain_failed_load,
    staged_csv_select,
)
from ingestion.common.settings import SourceSettings
from ingestion.common.sql import quote_literal
from ingestion.common.typed_load import LoadResult, load_typed
from ingestion.contracts import SIS_TABLES, TableContract
from ingestion.sis.drops import SisDrop, SisSourceError, discover_drops, select_files


def staged_view_name(contract: TableContract) -> str:
    return f"_staged_{contract.raw_table}"


def load_sis_table(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    contract: TableContract,
    drops: list[SisDrop],
) -> LoadResult:
    """Stage the table's chosen files as one all-text view and load it."""
    files = select_files(drops, contract)
    selects, warnings, read_files = [], [], []
    for sis_file in files:
        source_file = settings.relative_source_path(sis_file.path)
        header = csv_header(con, sis_file.path, SisSourceError, source_file)
        warnings += check_header(
            header, contract.columns, sis_file.path, SisSourceError, source_file
        )
        read_files.append((sis_file.path, source_file, header))
        selects.append(
            staged_csv_select(
                header,
                sis_file.path,
                contract.columns,
                source_file,
                {"_drop_date": f"date {quote_literal(sis_file.drop_date.isoformat())}"},
            )
        )
    view = staged_view_name(contract)
    try:
        con.execute(f"create or replace temp view {view} as\n" + "\nunion all\n".join(selects))
        return load_typed(
            con,
            view,
            contract,
            [source_file for _, source_file, _ in read_files],
            error_type=SisSourceError,
            warnings=warnings,
        )
    except duckdb.Error as error:
        staging_error = SisSourceError(f"cannot stage {contract.name}: {error}")
        staging_error.__cause__ = error
        raise explain_failed_load(con, staging_error, read_files, SisSourceError) from error
    except SisSourceError as error:
        raise explain_failed_load(con, error, read_files, SisSourceError) from error.__cause__
    finally:
        con.execute(f"drop view if exists {view}")


def load_sis(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
) -> dict[str, LoadResult]:
    """Load every SIS table (or the given ones); results keyed by raw table name."""
    drops = discover_drops(settings.sis_landing_dir)
    return {
        contract.raw_table: load_sis_table(con, settings, contract, drops)
        for contract in (tables or SIS_TABLES)
    }
