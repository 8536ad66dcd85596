"""The release's cells as the portal reads them: staged into DuckDB temp tables once per build,
then fetched in one query for the sections that must be drawn.

Why a module of its own: every page decision (which sections exist, in what order, whether a
section changed since the previous build) is made in SQL over the release's Parquet files, so
that a district of 1,000 schools is read, grouped and ordered by DuckDB and reaches Python only
as the columns of the cells that are drawn. The staged tables (`measure_order`, `year_labels`,
`district_all`, `sections`, and `redraw` when only some sections change) live on the build's
connection; portal.py opens it and calls these in order.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_school import Measure
from warehouse.sql import quote_literal


def stage_meta(
    con: duckdb.DuckDBPyConnection, release_dir: Path, year_labels: dict[str, str]
) -> None:
    """Temp tables of what pages are ordered and labelled by: `measure_order` (the plan's
    priority measures first, then the rest by area and name) and `year_labels` (the label a
    partial school year carries, as a section's digest must see it)."""
    con.execute(f"""
        create temp table measure_order as
        select measure_code as measure, plan_priority is not null as is_priority,
            coalesce(plan_section, 'more-' || area) as section_key,
            row_number() over (
                order by plan_priority nulls last, area, measure_name, measure_code
            ) as plan_rank,
        from read_parquet('{release_dir / "data" / "measures.parquet"}')
    """)
    con.execute(
        "create temp table year_labels as "
        "select unnest(?::varchar[]) as school_year, unnest(?::varchar[]) as label",
        [list(year_labels), list(year_labels.values())],
    )


_DRAWN_COLUMNS = (
    "student_group, n, value, suppressed, suppression_reason, status_level, change_level, "
    "color, target_value, target_school_year, is_on_track"
)


def stage_cells(con: duckdb.DuckDBPyConnection, release_dir: Path) -> None:
    """Temp table `sections`: one row per page section (school, measure), with its position on
    the page (plan order), the measure's latest school year there, whether it opens a plan
    section, and a digest of everything it draws.

    A section draws every cell of its school and measure (the trend of all students, the groups
    of the latest year, the gaps of every group over the years), the district's figure for all
    students and the labels of partial years. The digest is built from per-year sums of row
    hashes, so it needs one aggregate over the published cells and no copy of them.
    """
    con.execute(f"""
        create temp table year_sums as
        select
            c.school_code,
            c.measure,
            c.school_year,
            sum(hash({_DRAWN_COLUMNS})) as year_hash,
            count(*) as year_rows,
        from {_published_cells(release_dir)} as c
        group by c.school_code, c.measure, c.school_year
    """)
    con.execute(f"""
        create temp table district_all as
        select measure, school_year, value, suppressed, suppression_reason,
        from {_published_cells(release_dir)}
        where school_code = '{DISTRICT_CODE}' and student_group = 'ALL'
    """)
    con.execute("""
        create temp table sections as
        with keyed as (
            select
                y.school_code,
                y.measure,
                max(y.school_year) as latest_year,
                concat_ws(
                    ':',
                    max(y.school_year),
                    sum(hash(y.school_year, coalesce(l.label, ''), y.year_hash, y.year_rows)),
                    count(*)
                ) as cells_key,
            from year_sums as y
            left join year_labels as l on l.school_year = y.school_year
            group by y.school_code, y.measure
        ),
        district_keys as (
            select measure, school_year,
                hash(value, suppressed, suppression_reason) as district_hash,
            from district_all
        ),
        ordered as (
            select
                k.*,
                coalesce(o.plan_rank, 1000000) as plan_rank,
                coalesce(o.is_priority, false) as is_priority,
                coalesce(o.section_key, '') as section_key,
                cast(
                    row_number() over (
                        partition by k.school_code order by coalesce(o.plan_rank, 1000000),
                            k.measure
                    ) - 1 as integer
                ) as position,
            from keyed as k
            left join measure_order as o on o.measure = k.measure
        ),
        opened as (
            select ordered.*,
                lag(section_key) over (partition by school_code order by position)
                    is distinct from section_key as opens_section,
            from ordered
        )
        select
            o.school_code,
            o.measure,
            o.position,
            o.latest_year,
            o.is_priority,
            o.opens_section,
            concat_ws(
                ':', o.cells_key, o.opens_section,
                coalesce(cast(d.district_hash as varchar), '-')
            ) as content_key,
        from opened as o
        left join district_keys as d
            on d.measure = o.measure and d.school_year = o.latest_year
    """)
    con.execute("drop table year_sums")


def _published_cells(release_dir: Path) -> str:
    """The release's measure cells. A cell without a figure because the district does not
    report the measure (reporting_status `not_reported` or `not_enough_history`) carries that
    status where a withheld cell carries its reason, so every table and chart says why."""
    data = release_dir / "data"
    return (
        "(select * replace (coalesce(suppression_reason, case when reporting_status "
        "<> 'reported' then reporting_status end) as suppression_reason) "
        f"from read_parquet(['{data / 'scorecard_measures.parquet'}', "
        f"'{data / 'district_measures.parquet'}']))"
    )


def _group_order_sql(groups: dict[str, str]) -> str:
    """A DuckDB list of the group codes in report order, for list_position()."""
    return "[" + ", ".join(quote_literal(code) for code in groups) + "]"


def group_labels(con: duckdb.DuckDBPyConnection, release_dir: Path) -> dict[str, str]:
    """Group code -> name, in report order, from the release's student_groups file."""
    return dict(
        con.execute(
            "select code, name from "
            f"read_parquet('{release_dir / 'data' / 'student_groups.parquet'}') "
            "order by sort_order, code"
        ).fetchall()
    )


def measures(con: duckdb.DuckDBPyConnection, release_dir: Path) -> dict[str, Measure]:
    """Measure code -> Measure, from the release's measures file."""
    rows = con.execute(f"""
        select measure_code, measure_name, area, unit, higher_is_better, plan_section,
            plain_description,
        from read_parquet('{release_dir / "data" / "measures.parquet"}')
    """).fetchall()
    return {row[0]: Measure(*row[:6], row[6] or "") for row in rows}


def school_directory(con: duckdb.DuckDBPyConnection, release_dir: Path) -> list[tuple]:
    """The release's school directory, by school code: (code, name, level, low grade, high
    grade, street, city, state, zip)."""
    return con.execute(
        "select school_code, school_name, school_level, low_grade, high_grade, "
        "street, city, state, zip "
        f"from read_parquet('{release_dir / 'data' / 'school_directory.parquet'}') "
        "order by school_code"
    ).fetchall()


def section_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(school code, position, measure, content key) of every staged section, in page order."""
    return con.execute(
        "select school_code, position, measure, content_key from sections "
        "order by school_code, position"
    ).fetchall()


def stage_redraw(con: duckdb.DuckDBPyConnection, redraw: list[tuple[str, str]]) -> None:
    """Temp table `redraw`: the (school code, measure) sections to draw anew, which
    `fetch_shown(..., only_changed=True)` keeps to."""
    con.execute(
        "create temp table redraw as "
        "select unnest(?::varchar[]) as school_code, unnest(?::varchar[]) as measure",
        [[code for code, _ in redraw], [measure for _, measure in redraw]],
    )


def first_names(
    con: duckdb.DuckDBPyConnection, release_dir: Path, codes: list[str], groups: dict[str, str]
) -> dict:
    """Names of schools missing from the directory: the name on their first cell, in page
    order (measure, group order, group, year)."""
    if not codes:
        return {}
    order = _group_order_sql(groups)
    return dict(
        con.execute(
            f"""
            select school_code, arg_min(
                school_name,
                (measure, coalesce(list_position({order}, student_group), 999),
                    student_group, school_year)
            ),
            from {_published_cells(release_dir)}
            where school_code in (select unnest(?::varchar[]))
            group by school_code
            """,
            [codes],
        ).fetchall()
    )


def fetch_shown(
    con: duckdb.DuckDBPyConnection, release_dir: Path, only_changed: bool, groups: dict[str, str]
) -> dict[str, list]:
    """The cells the sections draw (only the sections in `redraw` if asked), as Python lists
    per column (one conversion per column, not per cell), sorted by school, position, group
    order and year: all students every year, every group in the latest year and, for the plan's
    priority measures, every group every year with its gap to all students (computed here, and
    only between two figures published as numbers). All-students rows carry the district's
    figure for the same year."""
    order = _group_order_sql(groups)
    redraw = (
        "inner join redraw as r on r.school_code = p.school_code and r.measure = p.measure"
        if only_changed
        else ""
    )
    table = con.sql(f"""
        with shown as (
            select p.*, s.position, s.latest_year, s.is_priority, s.opens_section,
            from {_published_cells(release_dir)} as p
            inner join sections as s on s.school_code = p.school_code and s.measure = p.measure
            {redraw}
            where p.student_group = 'ALL' or p.school_year = s.latest_year or s.is_priority
        ),
        gapped as (
            select shown.*,
                case when is_priority then
                    try_cast(value as double) - max(try_cast(value as double))
                        filter (where student_group = 'ALL')
                        over (partition by school_code, measure, school_year)
                end as gap,
            from shown
        )
        select g.school_code, g.measure, g.school_year, g.student_group, g.n, g.value,
            g.suppressed, g.suppression_reason, g.status_level, g.change_level, g.color,
            g.target_value, g.target_school_year, g.is_on_track, g.gap,
            g.student_group = 'ALL' as is_trend,
            g.school_year = g.latest_year as is_latest,
            g.position,
            g.opens_section,
            d.value as district_value,
            d.suppressed as district_suppressed,
            d.suppression_reason as district_reason,
        from gapped as g
        left join district_all as d
            on g.student_group = 'ALL' and g.school_code <> '{DISTRICT_CODE}'
            and d.measure = g.measure and d.school_year = g.school_year
        order by g.school_code, g.position,
            coalesce(list_position({order}, g.student_group), 999), g.student_group,
            g.school_year
    """).to_arrow_table()
    return {name: table.column(name).to_pylist() for name in table.column_names}
