"""The five public datasets, built from the warehouse marts inside DuckDB.

Only aggregate marts are read, each through an explicit column list, so nothing student-level
(ids, names, birth dates) can reach a released file even if a mart gains a column.

Scorecard rows whose reporting_status is not `reported` (the district does not have the
measure's source, or not enough school years are loaded for it) carry no figure: they are kept
out of the cells the suppression rules see, so the rules decide exactly what they decided
without them, and are published after them with empty n, numerator and value, `suppressed`
false and their reporting_status.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from exports.open_data.dashboard import (
    DASHBOARD_COLUMNS,
    DASHBOARD_INPUT_COLUMNS,
    PUBLISHED_DASHBOARD_SQL,
    mark_prior_published,
)
from exports.open_data.policy import (
    ALL_STUDENTS_GROUP,
    DISTRICT_CODE,
    MULTI_GROUP_DIMENSIONS,
    STAFF_BREAKDOWN_MEASURES,
    STAFF_STUDENT_SHARE_MEASURES,
    STAFF_SUMMARY_MEASURES,
    SuppressionPolicy,
)
from exports.open_data.suppression import SuppressionStats, apply_suppression
from warehouse.sql import quote_literal

DIRECTORY_COLUMNS = (
    "school_code",
    "school_name",
    "school_level",
    "low_grade",
    "high_grade",
    "street",
    "city",
    "state",
    "zip",
    "phone",
)
# Public directory column → its column in marts.dim_schools.
DIRECTORY_SOURCE_COLUMNS = {
    "low_grade": "low_grade_level",
    "high_grade": "high_grade_level",
    "street": "street_address",
    "state": "state_code",
    "zip": "zip_code",
    "phone": "phone_number",
}
MEASURE_COLUMNS = (
    "school_year",
    "school_code",
    "school_name",
    "measure",
    "measure_name",
    "unit",
    "higher_is_better",
    "student_group",
    "student_group_name",
    "n",
    "numerator",
    "value",
    "suppressed",
    "suppression_reason",
    "reporting_status",
    *DASHBOARD_COLUMNS,
)
REPORTED = "reported"
"""The scorecard's reporting_status of a measured value; the others are REPORTING_STATUSES."""
REPORTING_STATUSES = ("not_reported", "not_enough_history")
GROUP_LABEL_COLUMNS = ("code", "name", "dimension", "sort_order")
DATASET_NAMES = (
    "school_directory",
    "student_groups",
    "measures",
    "enrollment_by_group",
    "scorecard_measures",
    "district_measures",
)


# The published columns of each dataset, as the warehouse columns they come from: an input
# fingerprint covers exactly these, so a change anywhere else in a mart changes nothing here.
SCORECARD_INPUT_COLUMNS = (
    "school_year",
    "school_code",
    "school_name",
    "measure_code",
    "student_group",
    "unit",
    "n",
    "numerator",
    "value",
    "reporting_status",
    *DASHBOARD_INPUT_COLUMNS,
)
CATALOG_INPUT_COLUMNS = ("measure_code", "measure_name", "area", "unit", "higher_is_better")
ENROLLMENT_INPUT_COLUMNS = ("school_year", "school_code", "student_group", "census_day_enrollment")
SCHOOL_NAME_INPUT_COLUMNS = ("school_code", "school_name")
GROUP_LABELS_TABLE = "wh.reference.student_group_labels"


@dataclass
class DatasetBuild:
    """Row counts and suppression statistics of one build (tables live in the connection)."""

    row_counts: dict[str, int]
    stats: SuppressionStats
    # school_year -> {reason: cells}, over the school years built
    reason_counts_by_year: dict[str, dict[str, int]]


def _sql_list(values) -> str:
    return ", ".join(quote_literal(v) for v in sorted(values)) or "''"


def _school_year_filter(years: Sequence[str] | None) -> str:
    """SQL restricting a mart to some school years (all when None)."""
    if years is None:
        return ""
    quoted = ", ".join(quote_literal(year) for year in sorted(years))
    return f"where cast(school_year as varchar) in ({quoted or 'null'})"


def _check_grain(con: duckdb.DuckDBPyConnection, table: str, keys: str) -> None:
    # Grouping on one 64-bit hash is much faster than on the key columns; equal keys always hash
    # alike, so no duplicate is missed, and a hash collision is confirmed on the keys themselves.
    suspects = con.execute(
        f"select count(*) from (select hash({keys}) from {table} group by 1 having count(*) > 1)"
    ).fetchall()[0][0]
    if not suspects:
        return
    duplicates = con.execute(
        f"select count(*) from (select {keys} from {table} group by {keys} having count(*) > 1)"
    ).fetchall()[0][0]
    if duplicates:
        raise ValueError(f"{table} has {duplicates} duplicated ({keys}) keys; expected one each")


def _check_group_names(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """Every published group code has a name: a code missing from the labels seed stops the
    release (the files would otherwise show a code no reader can decode)."""
    missing = [
        row[0]
        for row in con.execute(
            f"select distinct student_group from {table} where student_group_name is null "
            "order by 1"
        ).fetchall()
    ]
    if missing:
        raise ValueError(
            f"{source}: student_group codes {', '.join(map(str, missing))} have no name in "
            f"{GROUP_LABELS_TABLE.removeprefix('wh.')} (seed student_group_labels); add them there"
        )


def _finish_cells(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Number the cells in their stored order (school year first): cell_id identifies a cell
    for the suppression rounds, and the stored order is the order the files are written in."""
    con.execute(f"alter table {table} add column cell_id bigint")
    con.execute(f"update {table} set cell_id = rowid")


def _stage_scorecard_cells(
    con: duckdb.DuckDBPyConnection, policy: SuppressionPolicy, years: Sequence[str] | None = None
) -> None:
    staff = _sql_list(STAFF_BREAKDOWN_MEASURES)
    con.execute(f"""
        create or replace temp table scorecard_rows as
        with scorecard as (
            select
                cast(school_year as varchar) as school_year,
                cast(school_code as varchar) as school_code,
                cast(school_name as varchar) as school_name,
                cast(measure_code as varchar) as measure,
                cast(student_group as varchar) as student_group,
                cast(unit as varchar) as unit,
                cast(n as double) as n,
                cast(numerator as double) as numerator,
                cast(value as double) as value,
                cast(reporting_status as varchar) as reporting_status,
                cast(status_level as varchar) as status_level,
                cast(change_level as varchar) as change_level,
                cast(color as varchar) as color,
                cast(target_value as double) as target_value,
                cast(target_school_year as varchar) as target_school_year,
                cast(is_on_track as boolean) as is_on_track,
            from wh.marts.school_scorecard
            {_school_year_filter(years)}
        ),
        catalog as (
            select cast(measure_code as varchar) as measure, cast(area as varchar) as area,
                cast(unit as varchar) as unit, cast(measure_name as varchar) as measure_name,
                cast(higher_is_better as boolean) as higher_is_better,
            from wh.reference.measure_catalog
        ),
        labels as (
            select cast(code as varchar) as student_group,
                cast(name as varchar) as student_group_name,
            from {GROUP_LABELS_TABLE}
        ),
        joined as (
            select
                s.*,
                coalesce(c.unit, s.unit) as measure_unit,
                c.area,
                coalesce(c.measure_name, s.measure) as measure_name,
                c.higher_is_better,
                l.student_group_name,
            from scorecard as s
            left join catalog as c on c.measure = s.measure
            left join labels as l on l.student_group = s.student_group
        )
        select
            school_year, school_code, school_name, measure, measure_name, higher_is_better,
            student_group, student_group_name,
            n, numerator, value, reporting_status,
            measure_unit as unit,
            status_level, change_level, color, target_value, target_school_year, is_on_track,
            -- a count measure with no denominator counts students (or their sessions) itself;
            -- a staff breakdown counts the staff in the group
            case when measure in ({staff}) then numerator
                else coalesce(n, case when measure_unit = 'count' then value end)
            end as count_n,
            case when measure_unit = 'percent' then
                coalesce(case when n > 0 then 100.0 * numerator / n end, value)
            end as pct,
            measure in ({staff})
                or coalesce(area, '') not in ({_sql_list(policy.exempt_areas)}) as is_protected,
            measure not in ({_sql_list(policy.non_additive_measures | STAFF_BREAKDOWN_MEASURES)})
                as is_additive,
            measure in ({staff}) as is_staff_count,
            false as is_staged_only,
        from joined
        union all
        -- the staff total of each breakdown, which its groups add up to: staged so the group
        -- rule sees the total (it is published as every row's n), never written to a file
        select distinct
            school_year, school_code, school_name, measure, measure_name, higher_is_better,
            '{ALL_STUDENTS_GROUP}', 'All staff', n, n, null, reporting_status, unit,
            null, null, null, null, null, null,
            n, null, true, false, true, true,
        from joined
        where measure in ({staff}) and student_group <> '{ALL_STUDENTS_GROUP}'
    """)
    _check_grain(con, "scorecard_rows", "school_year, school_code, measure, student_group")
    _check_group_names(con, "scorecard_rows", "wh.marts.school_scorecard")
    unknown = [
        row[0]
        for row in con.execute(
            "select distinct coalesce(reporting_status, 'NULL') from scorecard_rows "
            f"where coalesce(reporting_status, 'NULL') "
            f"not in ('{REPORTED}', {_sql_list(REPORTING_STATUSES)}) order by 1"
        ).fetchall()
    ]
    if unknown:
        raise ValueError(f"wh.marts.school_scorecard: unknown reporting_status {unknown}")
    order = "order by school_year, school_code, measure, student_group"
    con.execute(f"""
        create or replace table scorecard_cells as
        select * exclude (reporting_status) from scorecard_rows
        where reporting_status = '{REPORTED}' {order}
    """)
    con.execute(f"""
        create or replace table unreported_cells as
        select school_year, school_code, school_name, measure, measure_name, unit,
            higher_is_better, student_group, student_group_name, reporting_status,
        from scorecard_rows where reporting_status <> '{REPORTED}' {order}
    """)
    con.execute("drop table scorecard_rows")
    _finish_cells(con, "scorecard_cells")


def _stage_enrollment_cells(
    con: duckdb.DuckDBPyConnection, years: Sequence[str] | None = None
) -> None:
    con.execute(f"""
        create or replace table enrollment_cells as
        with enrollment as (
            select
                cast(school_year as varchar) as school_year,
                cast(school_code as varchar) as school_code,
                cast(student_group as varchar) as student_group,
                cast(census_day_enrollment as double) as census_day_enrollment,
            from wh.marts.enrollment_by_group
            {_school_year_filter(years)}
        ),
        names as (
            select cast(school_code as varchar) as school_code,
                cast(school_name as varchar) as school_name,
            from wh.marts.dim_schools
        ),
        labels as (
            select cast(code as varchar) as student_group,
                cast(name as varchar) as student_group_name,
            from {GROUP_LABELS_TABLE}
        )
        select
            e.school_year,
            'ENROLLMENT' as measure,
            e.school_code,
            case when e.school_code = '{DISTRICT_CODE}' then 'District total'
                else n.school_name end as school_name,
            e.student_group,
            l.student_group_name,
            e.census_day_enrollment as count_n,
            cast(null as double) as value,
            cast(null as double) as pct,
            true as is_protected,
            false as is_additive,
            false as is_staff_count,
            false as is_staged_only,
        from enrollment as e
        left join names as n on n.school_code = e.school_code
        left join labels as l on l.student_group = e.student_group
        order by e.school_year, e.school_code, e.student_group
    """)
    _check_grain(con, "enrollment_cells", "school_year, school_code, student_group")
    _check_group_names(con, "enrollment_cells", "wh.marts.enrollment_by_group")
    _finish_cells(con, "enrollment_cells")


_PUBLISHED_VALUE_SQL = """
    case
        when reason = 'top_coded' then '≥' || {high} || '%'
        when reason = 'bottom_coded' then '≤' || {low} || '%'
        when hidden_value then null
        else cast(round(value, 4) as varchar)
    end
"""


def _format_percent(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# Files are written in the cells' stored order (school_year, school_code, measure, group),
# which DuckDB keeps for scans and filters (preserve_insertion_order, set on by the release).
# The published tables are filled by one thread: their row groups are then full, so the
# Parquet writer cuts its row groups at the same rows however a table was assembled (from
# fresh cells, or year by year from the previous release), and the files come out byte for
# byte the same.


@contextmanager
def single_threaded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(threads)}")


def _publish_measures(con: duckdb.DuckDBPyConnection, policy: SuppressionPolicy) -> None:
    published_value = _PUBLISHED_VALUE_SQL.format(
        high=f"'{_format_percent(policy.coding_high_percent)}'",
        low=f"'{_format_percent(policy.coding_low_percent)}'",
    )
    has_unreported = con.execute("select count(*) from unreported_cells").fetchall()[0][0] > 0
    dashboard_nulls = ", ".join(
        f"cast(null as {kind}) as {name}"
        for name, kind in (
            ("status_level", "varchar"),
            ("change_level", "varchar"),
            ("color", "varchar"),
            ("target_value", "double"),
            ("target_school_year", "varchar"),
            ("is_on_track", "boolean"),
        )
    )
    for dataset, condition in (
        ("scorecard_measures", f"school_code <> '{DISTRICT_CODE}'"),
        ("district_measures", f"school_code = '{DISTRICT_CODE}'"),
    ):
        published = f"""
            select
                school_year,
                school_code,
                school_name,
                measure,
                measure_name,
                unit,
                higher_is_better,
                student_group,
                student_group_name,
                case when hidden_n then null else cast(round(n) as bigint) end as n,
                case when hidden_value then null else numerator end as numerator,
                {published_value} as value,
                hidden_value as suppressed,
                reason as suppression_reason,
                '{REPORTED}' as reporting_status,
                {PUBLISHED_DASHBOARD_SQL}
            from scorecard_cells
            where {condition} and not is_staged_only
        """
        if has_unreported:
            # Rows without a figure, in the files' order among the published cells.
            published = f"""
                select * from (
                    {published}
                    union all
                    select school_year, school_code, school_name, measure, measure_name, unit,
                        higher_is_better, student_group, student_group_name,
                        cast(null as bigint) as n, cast(null as double) as numerator,
                        cast(null as varchar) as value, false as suppressed,
                        cast(null as varchar) as suppression_reason, reporting_status,
                        {dashboard_nulls},
                    from unreported_cells
                    where {condition}
                )
                order by school_year, school_code, measure, student_group
            """
        con.execute(f"create or replace table {dataset} as {published}")


def _publish_enrollment(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        create or replace table enrollment_by_group as
        select
            school_year,
            school_code,
            school_name,
            student_group,
            student_group_name,
            case when hidden_n then null else cast(round(count_n) as bigint) end as n,
            hidden_n as suppressed,
            reason as suppression_reason,
        from enrollment_cells
    """)


def _publish_directory(con: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(
        f"cast({DIRECTORY_SOURCE_COLUMNS.get(c, c)} as varchar) as {c}" for c in DIRECTORY_COLUMNS
    )
    con.execute(f"""
        create or replace table school_directory as
        select {columns} from wh.marts.dim_schools order by school_code
    """)


def _reasons_by_year(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dict[str, int]]:
    by_year: dict[str, dict[str, int]] = {}
    for year, reason, cells in con.execute(f"""
        select school_year, reason, count(*) from {table}
        where reason is not null and not is_staged_only group by all order by all
    """).fetchall():
        by_year.setdefault(year, {})[reason] = cells
    return by_year


def _apply_staff_links(con: duckdb.DuckDBPyConnection, population_hidden: str | None) -> None:
    """Withhold what a staff breakdown's published figures would give back.

    A representation ratio is (staff share) / (student share): with the staff count it gives
    the group's student count back, so it is withheld where that enrolment cell is. A summary
    of the whole breakdown is withheld where any group of it is, and the diversity gap (which
    carries the share of students of colour) where a race/ethnicity enrolment cell is.
    """
    races = _sql_list(MULTI_GROUP_DIMENSIONS["race_ethnicity"])
    if population_hidden is not None:
        con.execute(f"""
            update scorecard_cells as c
            set hidden_value = true, reason = coalesce(c.reason, 'linked_measure')
            where c.is_staff_count and not c.hidden_value and exists (
                select 1 from {population_hidden} as p
                where p.school_year = c.school_year and p.school_code = c.school_code
                    and p.student_group = c.student_group
            )
        """)
        con.execute(f"""
            update scorecard_cells as c
            set hidden_value = true, reason = coalesce(c.reason, 'linked_measure')
            where c.measure in ({_sql_list(STAFF_STUDENT_SHARE_MEASURES)})
                and not c.hidden_value and exists (
                    select 1 from {population_hidden} as p
                    where p.school_year = c.school_year and p.school_code = c.school_code
                        and p.student_group in ({races})
                )
        """)
    con.execute(f"""
        update scorecard_cells as c
        set hidden_value = true, reason = coalesce(c.reason, 'linked_measure')
        where c.measure in ({_sql_list(STAFF_SUMMARY_MEASURES)}) and not c.hidden_value
            and exists (
                select 1 from scorecard_cells as b
                where b.is_staff_count and not b.is_staged_only and b.hidden_value
                    and b.school_year = c.school_year and b.school_code = c.school_code
            )
    """)


def build_scorecard_datasets(
    con: duckdb.DuckDBPyConnection,
    policy: SuppressionPolicy,
    years: Sequence[str] | None = None,
    link_context: str | None = None,
    prior_context: str | None = None,
    population_hidden: str | None = None,
) -> DatasetBuild:
    """Build scorecard_measures and district_measures for `years` (all when None) in `con`,
    which has the warehouse attached as `wh`.

    Every suppression rule works within one school year, except derived measures that follow
    their base measure's cell of the year before; `link_context` names a table of those base
    cells for school years not built here (see suppression.apply_suppression). Change levels
    and colours need the previous year's cell published: `prior_context` holds the previous
    year's cells for years not built here (dashboard.mark_prior_published).
    """
    _stage_scorecard_cells(con, policy, years)
    stats = apply_suppression(con, "scorecard_cells", policy, link_context, population_hidden)
    _apply_staff_links(con, population_hidden)
    mark_prior_published(con, "scorecard_cells", prior_context)
    with single_threaded(con):
        _publish_measures(con, policy)
    row_counts = {
        name: con.execute(f"select count(*) from {name}").fetchall()[0][0]
        for name in ("scorecard_measures", "district_measures")
    }
    return DatasetBuild(row_counts, stats, _reasons_by_year(con, "scorecard_cells"))


def build_enrollment_dataset(
    con: duckdb.DuckDBPyConnection,
    policy: SuppressionPolicy,
    years: Sequence[str] | None = None,
    population_hidden: str | None = None,
) -> DatasetBuild:
    """Build enrollment_by_group for `years` (all when None)."""
    _stage_enrollment_cells(con, years)
    stats = apply_suppression(con, "enrollment_cells", policy, population_hidden=population_hidden)
    with single_threaded(con):
        _publish_enrollment(con)
    row_counts = {
        "enrollment_by_group": con.execute("select count(*) from enrollment_by_group").fetchall()[
            0
        ][0]
    }
    return DatasetBuild(row_counts, stats, _reasons_by_year(con, "enrollment_cells"))


JOINT_MAX_PASSES = 10


def build_joint_datasets(
    con: duckdb.DuckDBPyConnection,
    policy: SuppressionPolicy,
    years: Sequence[str] | None = None,
    link_context: str | None = None,
    prior_context: str | None = None,
) -> tuple[DatasetBuild, DatasetBuild]:
    """Build the scorecard datasets and enrollment_by_group as one suppression problem.

    A census-day enrolment and a measure's n of the same school, year and group often count the
    same students, so a count withheld in one dataset is withheld in the other wherever that
    dataset publishes a count within one of it (suppression.apply_suppression,
    population_hidden), and complementary suppression is solved again around it. The two
    datasets are rebuilt in turn until the enrolment withholds no count the last scorecard
    build did not already take as withheld; then every count withheld in either dataset is
    withheld in the other. Returns (scorecard build, enrollment build).
    """
    columns = "school_year, school_code, student_group, count_n"
    con.execute("""
        create or replace temp table _enrollment_withheld (
            school_year varchar, school_code varchar, student_group varchar, count_n double
        )
    """)
    for _ in range(JOINT_MAX_PASSES):
        scorecard = build_scorecard_datasets(
            con, policy, years, link_context, prior_context, "_enrollment_withheld"
        )
        con.execute(f"""
            create or replace temp table _scorecard_withheld as
            select distinct {columns} from scorecard_cells
            where hidden_n and count_n is not null and not is_staff_count
        """)
        enrollment = build_enrollment_dataset(con, policy, years, "_scorecard_withheld")
        added = con.execute(f"""
            insert into _enrollment_withheld
            select {columns} from enrollment_cells where hidden_n
            except select {columns} from _enrollment_withheld
        """).fetchall()[0][0]
        if not added:
            return scorecard, enrollment
    raise RuntimeError(f"joint suppression did not settle in {JOINT_MAX_PASSES} passes")


def build_directory_dataset(con: duckdb.DuckDBPyConnection) -> int:
    """Build school_directory; return its rows."""
    _publish_directory(con)
    return con.execute("select count(*) from school_directory").fetchall()[0][0]


MEASURE_CATALOG_COLUMNS = (
    "measure_code",
    "measure_name",
    "area",
    "unit",
    "higher_is_better",
    "plan_section",
    "plan_priority",
    "plain_description",
    "description",
    "district_reporting",
)


def build_measures_dataset(con: duckdb.DuckDBPyConnection) -> int:
    """Build measures (the public columns of the measure catalog, and whether this district
    reports each: `reported` in at least one school year, else `not_reported` or
    `not_enough_history` as the scorecard says, else `no_data`); return its rows."""
    con.execute(f"""
        create or replace table measures as
        with reporting as (
            select
                cast(measure_code as varchar) as measure_code,
                case
                    when bool_or(reporting_status = '{REPORTED}') then '{REPORTED}'
                    when bool_or(reporting_status = 'not_reported') then 'not_reported'
                    when bool_or(reporting_status = 'not_enough_history')
                        then 'not_enough_history'
                end as district_reporting,
            from wh.marts.school_scorecard
            group by 1
        )
        select
            cast(c.measure_code as varchar) as measure_code,
            cast(c.measure_name as varchar) as measure_name,
            cast(c.area as varchar) as area,
            cast(c.unit as varchar) as unit,
            cast(c.higher_is_better as boolean) as higher_is_better,
            cast(c.plan_section as varchar) as plan_section,
            cast(c.plan_priority as integer) as plan_priority,
            cast(c.plain_description as varchar) as plain_description,
            cast(c.description as varchar) as description,
            coalesce(r.district_reporting, 'no_data') as district_reporting,
        from wh.reference.measure_catalog as c
        left join reporting as r on r.measure_code = cast(c.measure_code as varchar)
        order by c.plan_priority nulls last, c.area, c.measure_code
    """)
    return con.execute("select count(*) from measures").fetchall()[0][0]


def build_group_labels_dataset(con: duckdb.DuckDBPyConnection) -> int:
    """Build student_groups (the labels seed: code, name, dimension, order); return its rows."""
    con.execute(f"""
        create or replace table student_groups as
        select cast(code as varchar) as code, cast(name as varchar) as name,
            cast(dimension as varchar) as dimension, cast(sort_order as integer) as sort_order,
        from {GROUP_LABELS_TABLE}
        order by sort_order, code
    """)
    return con.execute("select count(*) from student_groups").fetchall()[0][0]
