"""The volume guard: a year-scoped file may not silently empty or shrink its school year.

A failed SIS export often still writes the file, header and all, with no rows. Loading it
would replace a school year of attendance with nothing, and every measure of that year would
be published as zero. The whole-table volume check cannot see it (one year of four shrinking
is under any sensible table threshold), so the load compares each school year it holds
before and after, inside the load's transaction:

- a school year that had rows and would have none is an error (rule `volume_drop`);
- a school year of at least `LOAD_VOLUME_MIN_ROWS` rows that would shrink by more than
  `LOAD_MAX_VOLUME_DROP` of its rows is the same error (small years swing legitimately);
- a district that really removed a year's rows lists it in `LOAD_ALLOW_VOLUME_DROP`.

The error names the file, the school year and both counts; the load is rolled back, so the
last good load stays. The year of a row is the year in its file's name (`__2026-27.csv`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb

from ingestion.common.errors import SourceError
from ingestion.common.settings import SourceSettings
from ingestion.common.warehouse import RAW_SCHEMA, raw_table_exists
from warehouse.sql import quote_identifier

_YEAR_IN_FILE_NAME = r"__(\d{4}-\d{2})\.csv$"


def rows_per_school_year(con: duckdb.DuckDBPyConnection, raw_table: str) -> dict[str, int]:
    """Rows of a raw table per school year of the file they came from ({} before any load)."""
    if not raw_table_exists(con, raw_table):
        return {}
    # Group by file first (a handful of distinct values) so the pattern runs once per file.
    rows = con.execute(
        f"""
        select regexp_extract(_source_file, '{_YEAR_IN_FILE_NAME}', 1) as school_year,
               sum(file_rows)
        from (
            select _source_file, count(*) as file_rows
            from {RAW_SCHEMA}.{quote_identifier(raw_table)} group by _source_file
        )
        group by school_year
        """
    ).fetchall()
    return {year: int(count) for year, count in rows if year}


def volume_guard(
    raw_table: str,
    previous: Mapping[str, int],
    files_by_year: Mapping[str, str],
    settings: SourceSettings,
    error_type: type[SourceError],
) -> Callable[[duckdb.DuckDBPyConnection, str], None]:
    """A `before_commit` step that raises `volume_drop` when a school year empties or shrinks.

    `previous` is `rows_per_school_year` before the load; `files_by_year` the lineage name of
    the file now chosen for each school year.
    """

    def check(con: duckdb.DuckDBPyConnection, _staged_view: str) -> None:
        current = rows_per_school_year(con, raw_table)
        for year, before in sorted(previous.items()):
            after = current.get(year, 0)
            if after >= before or year in settings.allowed_volume_drops:
                continue
            share = (before - after) / before
            too_large = before >= settings.volume_min_rows and share > settings.max_volume_drop
            if after > 0 and not too_large:
                continue
            source_file = files_by_year.get(year)
            where = source_file or f"no file for {year} in any drop"
            raise error_type(
                f"{where}: school year {year} of {raw_table} would go from {before:,} rows in "
                f"the last good load to {after:,} (-{share:.0%}; limit "
                f"-{settings.max_volume_drop:.0%}, and never to zero); the last good load is "
                f"kept. If the district really removed these rows, set "
                f"LOAD_ALLOW_VOLUME_DROP={year}",
                rule="volume_drop",
                source_file=source_file,
            )

    return check
