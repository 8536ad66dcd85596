"""The fixture BI warehouse and dbt manifest, importable by name from the BI tests.

A small DuckDB warehouse shaped like the real one: the three schemas the publisher reads (marts,
reference, restricted) with a few tables each. Version 2 is the next night's warehouse: one more
school year in the scorecard and 10,000 more enrolment rows, so tests can tell old from new.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHOOL_YEARS = ("2021-22", "2022-23", "2023-24", "2024-25", "2025-26")


def build_warehouse(path: Path, version: int) -> None:
    # version 1 holds four school years, version 2 adds 2025-26.
    years = SCHOOL_YEARS[: 3 + version]
    enrollment_rows = 10_000 + 10_000 * version
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema reference; create schema restricted")
    con.execute(
        "create table years as "
        "select * from unnest(?::varchar[]) with ordinality as y(school_year, year_index)",
        [list(years)],
    )
    # value = 10 * year position (0-based) + 100 if ela_dfs + 1 if EL + 1 if S002
    con.execute(
        """
        create table marts.school_scorecard as
        select
            y.school_year,
            s.school_code,
            m.measure_code,
            g.student_group,
            cast(10 * (y.year_index - 1) + 100 * (m.measure_code = 'ela_dfs')::int
                + (g.student_group = 'EL')::int + (s.school_code = 'S002')::int as double) as value,
            cast(case when g.student_group = 'EL' then 40 else 100 end as integer) as n,
            cast(case when g.student_group = 'EL' then 'Orange' else 'Green' end as varchar)
                as status_color
        from years as y
        cross join (values ('S001'), ('S002')) as s(school_code)
        cross join (values ('chronic_absence_rate'), ('ela_dfs')) as m(measure_code)
        cross join (values ('ALL'), ('EL')) as g(student_group)
        """
    )
    con.execute("drop table years")
    con.execute(
        """
        create table marts.dim_schools (
            school_code varchar, school_name varchar, principal_name varchar,
            opened_date date, is_charter boolean, capacity integer,
            latitude decimal(9, 6), loaded_at timestamp with time zone, share_el double
        )
        """
    )
    con.execute(
        """
        insert into marts.dim_schools values
            ('S001', 'O''Neil, "Lab" School', null, date '1961-09-05', false, 650,
             34.052235, timestamptz '2026-01-15 06:30:00+00', 0.1),
            ('S002', 'Line
            Break Elementary', '', date '2004-08-30', true, 420,
             -118.243683, timestamptz '2026-01-15 06:30:00.123456+00', 'NaN')
        """
    )
    con.execute(
        f"""
        create table marts.enrollment_by_group as
        select
            'S' || lpad(cast(i % 50 as varchar), 3, '0') as school_code,
            '2024-25' as school_year,
            'ALL' as student_group,
            cast(i % 7 as integer) as n
        from range({enrollment_rows}) as r(i)
        """
    )
    con.execute(
        """
        create table marts.measure_catalog as
        select
            'chronic_absence_rate' as measure_code,
            ['ALL', 'EL'] as applies_to_groups,
            interval 30 day as lookback,
            uuid '8d2b7f4e-1c1a-4f55-9a51-3e0b8f0b2c11' as measure_id,
            cast(12345678901234567890 as hugeint) as weight,
            time '07:45:00' as report_time,
            cast('abc' as blob) as signature
        """
    )
    con.execute(
        """
        create table reference.attendance_bands as
        select * from (values
            ('Advanced', 1.00::decimal(5, 2), 1.00::decimal(5, 2)),
            ('Proficient', 0.96, 0.99),
            ('Basic', 0.92, 0.95)
        ) as b(band_name, min_rate, max_rate)
        """
    )
    con.execute(
        """
        create table restricted.dim_students as
        select * from (values
            ('1001', 'Ana', date '2012-03-04', 'S001'),
            ('1002', 'Ben', date '2011-07-08', 'S002')
        ) as s(student_id, first_name, birth_date, school_code)
        """
    )
    con.execute(
        """
        create table restricted.fct_student_early_warning as
        select '1001' as student_id, '2024-25' as school_year, true as is_chronically_absent
        """
    )
    con.close()


FIXTURE_MANIFEST = {
    "metadata": {"dbt_version": "1.11.16"},
    "nodes": {
        "model.district.school_scorecard": {
            "resource_type": "model",
            "schema": "marts",
            "name": "school_scorecard",
            "description": "One row per school, year, measure and student group.",
            "columns": {
                "school_code": {"name": "school_code", "description": "District school code."},
                "value": {"name": "value", "description": "The measure's value; it's a rate."},
                "n": {"name": "n", "description": ""},
                "retired_column": {"name": "retired_column", "description": "No longer built."},
            },
        },
        "model.district.student_roster": {
            "resource_type": "model",
            "schema": "restricted",
            "name": "student_roster",
            "alias": "dim_students",
            "description": "Student-level: one row per student.",
            "columns": {"birth_date": {"name": "birth_date", "description": "Date of birth."}},
        },
        "seed.district.attendance_bands": {
            "resource_type": "seed",
            "schema": "reference",
            "name": "attendance_bands",
            "description": "LAUSD attendance bands.",
            "columns": {},
        },
        "test.district.not_null_school_scorecard_school_code": {
            "resource_type": "test",
            "schema": "marts_dbt_test__audit",
            "name": "not_null_school_scorecard_school_code",
            "description": "not a relation",
            "columns": {},
        },
    },
}
