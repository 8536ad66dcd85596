"""`planning/school_targets.csv` → `raw.planning__school_targets`."""

from __future__ import annotations

import duckdb

from ingestion.common.csv_files import (
    check_header,
    csv_header,
    explain_failed_load,
    staged_csv_select,
)
from ingestion.common.errors import SourceError
from ingestion.common.file_delta import SourceFile, plan_file_delta
from ingestion.common.settings import SourceSettings
from ingestion.common.typed_load import LoadResult, load_typed, record_unchanged_load
from ingestion.contracts import PLANNING_TABLES

SCHOOL_TARGETS = PLANNING_TABLES[0]
STAGED_VIEW = "_staged_planning__school_targets"


class PlanningSourceError(SourceError):
    """The planning file is missing or does not match its contract."""

    source = "planning"


def load_planning(
    con: duckdb.DuckDBPyConnection, settings: SourceSettings
) -> dict[str, LoadResult]:
    """Load the school-targets file; returns results keyed by raw table name."""
    path = settings.planning_dir / f"{SCHOOL_TARGETS.name}.csv"
    if not path.is_file():
        raise PlanningSourceError(f"planning file not found: {path}")
    source_file = settings.relative_source_path(path)
    delta = plan_file_delta(
        con, SCHOOL_TARGETS, [SourceFile.at(path, source_file)], settings.is_incremental
    )
    if delta.is_unchanged:
        return {SCHOOL_TARGETS.raw_table: record_unchanged_load(con, SCHOOL_TARGETS, [source_file])}
    header = csv_header(con, path, PlanningSourceError, source_file)
    warnings = check_header(header, SCHOOL_TARGETS.columns, path, PlanningSourceError, source_file)
    select = staged_csv_select(header, path, SCHOOL_TARGETS.columns, source_file)
    con.execute(f"create or replace temp view {STAGED_VIEW} as {select}")
    try:
        result = load_typed(
            con,
            STAGED_VIEW,
            SCHOOL_TARGETS,
            [source_file],
            timezone=settings.district_timezone,
            error_type=PlanningSourceError,
            warnings=warnings,
            delta=delta,
        )
    except PlanningSourceError as error:
        raise explain_failed_load(
            con, error, [(path, source_file, header)], PlanningSourceError
        ) from error.__cause__
    finally:
        con.execute(f"drop view if exists {STAGED_VIEW}")
    return {SCHOOL_TARGETS.raw_table: result}
