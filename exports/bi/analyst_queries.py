"""The analyst's typical query against a published database, and a timer for it.

The scorecard view most analysts build first: one school, every student group and every measure,
over the latest three school years. Published PostgreSQL scorecards carry an index on
(school_code, school_year) and published DuckDB scorecards are stored school year by school
year, each sorted by school (zone maps skip the other row groups), so this query stays well
under a second for a district of any size.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import psycopg
from sqlalchemy.engine import make_url

from exports.bi.postgres_target import postgres_conninfo
from warehouse.connection import duckdb_limits

SCORECARD_COLUMNS = ("school_year", "school_code", "measure_code", "student_group", "value", "n")

_SCORECARD_TEMPLATE = """
with recent_years as (
    select distinct school_year
    from {table}
    where school_code = {school_code} and school_year <= {through_school_year}
    order by school_year desc
    limit {year_count}
)

select
    scorecard.school_year,
    scorecard.school_code,
    scorecard.measure_code,
    scorecard.student_group,
    scorecard.value,
    scorecard.n
from {table} as scorecard
where
    scorecard.school_code = {school_code}
    and scorecard.school_year in (select recent_years.school_year from recent_years)
order by scorecard.measure_code, scorecard.student_group, scorecard.school_year
"""

_PLACEHOLDERS = {
    # psycopg's named parameters and DuckDB's named parameters.
    "postgresql": {
        name: f"%({name})s" for name in ("school_code", "through_school_year", "year_count")
    },
    "duckdb": {name: f"${name}" for name in ("school_code", "through_school_year", "year_count")},
}


def school_scorecard_sql(backend: str, schema: str = "marts") -> str:
    """The scorecard query for `backend` ('postgresql' or 'duckdb'), with named parameters
    school_code, through_school_year (e.g. '2024-25') and year_count."""
    return _SCORECARD_TEMPLATE.format(
        table=f'"{schema}"."school_scorecard"', **_PLACEHOLDERS[backend]
    )


@contextmanager
def _open_published(target_url: str) -> Iterator[tuple[str, object]]:
    url = make_url(target_url)
    backend = url.get_backend_name()
    if backend == "duckdb":
        con = duckdb.connect(url.database, read_only=True, config=duckdb_limits())
        try:
            yield backend, con
        finally:
            con.close()
    elif backend == "postgresql":
        with psycopg.connect(postgres_conninfo(target_url), autocommit=True) as con:
            yield backend, con
    else:
        raise ValueError(f"unsupported BI target {backend!r}")


def fetch_school_scorecard(
    target_url: str,
    school_code: str,
    through_school_year: str,
    year_count: int = 3,
    schema: str = "marts",
) -> list[tuple]:
    """Rows of SCORECARD_COLUMNS for one school over its latest `year_count` years."""
    params = {
        "school_code": school_code,
        "through_school_year": through_school_year,
        "year_count": year_count,
    }
    with _open_published(target_url) as (backend, con):
        return con.execute(school_scorecard_sql(backend, schema), params).fetchall()


def time_school_scorecard_query(
    target_url: str,
    school_code: str,
    through_school_year: str,
    runs: int = 7,
    schema: str = "marts",
) -> float:
    """Median milliseconds of the scorecard query over `runs` runs on one open connection.

    One untimed run first, so connection set-up and cold caches are not counted: analysts'
    tools keep their connection open.
    """
    params = {
        "school_code": school_code,
        "through_school_year": through_school_year,
        "year_count": 3,
    }
    with _open_published(target_url) as (backend, con):
        query = school_scorecard_sql(backend, schema)
        con.execute(query, params).fetchall()
        timings_ms = []
        for _ in range(runs):
            started = time.perf_counter()
            con.execute(query, params).fetchall()
            timings_ms.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings_ms)
