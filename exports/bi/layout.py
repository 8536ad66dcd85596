"""Names and conventions shared by every BI destination."""

from __future__ import annotations

from pathlib import Path

ANALYST_ROLE = "district_analyst"
RESTRICTED_ROLE = "district_restricted_reader"

STAGING_SUFFIX = "__staging"
RETIRED_SUFFIX = "__retired"

# Analysts filter these tables by one school and a few years; an index (PostgreSQL) or a sort
# order (DuckDB zone maps) on these columns keeps that lookup fast however many schools there are.
LOOKUP_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("marts", "school_scorecard"): ("school_code", "school_year"),
    ("marts", "equity_gaps"): ("school_code", "school_year"),
}


def lookup_columns_for(schema: str, table: str, column_names: list[str]) -> tuple[str, ...]:
    """The lookup columns declared for a table, or none if the table lacks any of them."""
    wanted = LOOKUP_COLUMNS.get((schema, table), ())
    return wanted if all(name in column_names for name in wanted) else ()


def restricted_duckdb_path(target_path: Path) -> Path:
    """Where student-level schemas go when the target is a DuckDB file.

    A DuckDB file has no roles: whoever can open it reads everything. Restricted tables therefore
    get their own file (owner-only permissions) beside the analysts' file.
    """
    return target_path.with_name(f"{target_path.stem}_restricted{target_path.suffix}")
