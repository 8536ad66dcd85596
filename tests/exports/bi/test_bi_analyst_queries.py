"""The analyst's scorecard query: right rows on both targets, fast, and served by the index."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from exports.bi import publish_marts
from exports.bi.analyst_queries import (
    fetch_school_scorecard,
    school_scorecard_sql,
    time_school_scorecard_query,
)


def _publish_to_postgres(run, warehouse: Path) -> None:
    publish_marts(
        warehouse,
        run.url,
        schema_prefix=run.prefix,
        analyst_role=run.analyst_role,
        restricted_role=run.restricted_role,
    )


def _check_fixture_scorecard(rows: list[tuple]) -> None:
    # One school × 3 latest years (of 4) × 2 measures × 2 groups = 12 rows.
    assert len(rows) == 12
    assert {row[1] for row in rows} == {"S001"}
    assert {row[0] for row in rows} == {"2022-23", "2023-24", "2024-25"}
    by_key = {(row[0], row[2], row[3]): (row[4], row[5]) for row in rows}
    # 2024-25 is year position 3: 10 × 3 + 100 (ela_dfs) + 1 (EL) + 0 (S001) = 131; EL n = 40.
    assert by_key[("2024-25", "ela_dfs", "EL")] == (131.0, 40)
    # 2022-23 is position 1: 10 × 1 + 0 + 0 + 0 = 10; ALL n = 100.
    assert by_key[("2022-23", "chronic_absence_rate", "ALL")] == (10.0, 100)
    # Ordered by measure, group, year.
    assert rows[0][:4] == ("2022-23", "S001", "chronic_absence_rate", "ALL")


def test_scorecard_query_on_the_duckdb_file(warehouse_path: Path, tmp_path: Path) -> None:
    target_url = f"duckdb:///{tmp_path / 'district_bi.duckdb'}"
    publish_marts(warehouse_path, target_url)
    _check_fixture_scorecard(fetch_school_scorecard(target_url, "S001", "2024-25"))
    earlier = fetch_school_scorecard(target_url, "S001", "2023-24")
    assert {row[0] for row in earlier} == {"2021-22", "2022-23", "2023-24"}


def test_scorecard_query_on_postgresql(pg_run, warehouse_path: Path) -> None:
    _publish_to_postgres(pg_run, warehouse_path)
    rows = fetch_school_scorecard(pg_run.url, "S001", "2024-25", schema=pg_run.schema("marts"))
    _check_fixture_scorecard(rows)


def _build_district_sized_scorecard(path: Path) -> None:
    # 300 schools × 4 years × 12 measures × 20 groups = 288,000 rows.
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema reference; create schema restricted")
        con.execute(
            """
            create table marts.school_scorecard as
            select
                '20' || lpad(cast(20 + y as varchar), 2, '0') || '-'
                    || lpad(cast(21 + y as varchar), 2, '0') as school_year,
                'S' || lpad(cast(s as varchar), 4, '0') as school_code,
                'measure_' || m as measure_code,
                'group_' || g as student_group,
                cast((s * 7 + m * 3 + g + y) % 100 as double) as value,
                cast(30 + g as integer) as n
            from range(300) as schools(s)
            cross join range(4) as years(y)
            cross join range(12) as measures(m)
            cross join range(20) as student_groups(g)
            """
        )
        con.execute("create table reference.placeholder as select 1 as x")
        con.execute("create table restricted.placeholder as select 1 as x")


@pytest.fixture
def district_sized_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "district_sized.duckdb"
    _build_district_sized_scorecard(path)
    return path


def test_scorecard_query_uses_the_index_and_stays_well_under_a_second_on_postgresql(
    pg_run, district_sized_warehouse: Path
) -> None:
    _publish_to_postgres(pg_run, district_sized_warehouse)
    schema = pg_run.schema("marts")
    with pg_run.connect() as conn:
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                "explain " + school_scorecard_sql("postgresql", schema),
                {"school_code": "S0123", "through_school_year": "2023-24", "year_count": 3},
            ).fetchall()
        )
    assert "school_scorecard__lookup_idx" in plan
    rows = fetch_school_scorecard(pg_run.url, "S0123", "2023-24", schema=schema)
    assert len(rows) == 3 * 12 * 20  # 3 years × 12 measures × 20 groups
    assert time_school_scorecard_query(pg_run.url, "S0123", "2023-24", schema=schema) < 250


def test_scorecard_query_stays_well_under_a_second_on_the_duckdb_file(
    district_sized_warehouse: Path, tmp_path: Path
) -> None:
    target_url = f"duckdb:///{tmp_path / 'district_bi.duckdb'}"
    publish_marts(district_sized_warehouse, target_url)
    assert len(fetch_school_scorecard(target_url, "S0123", "2023-24")) == 720
    assert time_school_scorecard_query(target_url, "S0123", "2023-24") < 250
