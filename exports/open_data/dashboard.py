"""The Dashboard columns of the measure files (status and change levels, colour, target and
on-track flag), published only where they reveal nothing that suppression withholds.

The marts compute them from unsuppressed values, so each one is a hint about the value behind
it: a status level places the value in an interval, a change level places last year's value
in one, an on-track flag compares the value with the plan. The rules:

- status level, target and on-track flag: only where the cell's value is published as a number
  (not withheld, not top or bottom coded);
- change level and colour (the colour is read off status and change): only where, besides,
  the same cell of the previous school year is published as a number, so that the change is
  already known from the published values;
- colour: only where the marts give one, which they do for groups of at least 30 students
  (METRICS.md; var min_n_color) on measures with Dashboard cut seeds.

The expected value along a target's trajectory is not published: it is interpolated from a
baseline value, which may be a withheld cell of an earlier year.
"""

from __future__ import annotations

import duckdb

from exports.open_data.suppression import previous_school_year_sql

# Scorecard columns the Dashboard columns are read from (part of the input fingerprint).
DASHBOARD_INPUT_COLUMNS = (
    "status_level",
    "change_level",
    "color",
    "target_value",
    "target_school_year",
    "is_on_track",
)
DASHBOARD_COLUMNS = DASHBOARD_INPUT_COLUMNS

# The select expressions of the published columns, over a cells table with hidden_value and
# is_prior_published.
PUBLISHED_DASHBOARD_SQL = """
    case when not hidden_value then status_level end as status_level,
    case when not hidden_value and is_prior_published then change_level end as change_level,
    case when not hidden_value and is_prior_published then color end as color,
    case when not hidden_value then target_value end as target_value,
    case when not hidden_value then target_school_year end as target_school_year,
    case when not hidden_value then is_on_track end as is_on_track,
"""


def mark_prior_published(
    con: duckdb.DuckDBPyConnection, table: str, prior_context: str | None = None
) -> None:
    """Add is_prior_published to `table`: true where the cell has a change level and the same
    cell of the previous school year is published as a number.

    The previous year is looked up in `table` itself and, for years not built here, in
    `prior_context` (school_year, school_code, measure, student_group, hidden_value: the
    previous release's cells, its `suppressed` being hidden_value). Updated in place, so the
    cells keep the order the files are written in.
    """
    columns = "school_year, school_code, measure, student_group, hidden_value"
    prior = f"(select {columns} from {table}" + (
        f" union all select {columns} from {prior_context})" if prior_context else ")"
    )
    con.execute(f"alter table {table} add column is_prior_published boolean default false")
    con.execute(f"""
        update {table} as d
        set is_prior_published = true
        where d.change_level is not null and exists (
            select 1 from {prior} as p
            where p.school_year = {previous_school_year_sql("d.school_year")}
                and p.school_code = d.school_code
                and p.measure = d.measure
                and p.student_group = d.student_group
                and not p.hidden_value
        )
    """)
