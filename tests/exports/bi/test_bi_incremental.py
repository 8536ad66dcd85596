"""Incremental publishing to a DuckDB file and Parquet files equals publishing from nothing.

Each test publishes the fixture warehouse, changes a copy of it (one school year's rows, a
column, a table, a description), publishes the copy on top of the first publication, and
compares the result with a publication of the copy from nothing (exports.consistency).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from exports.bi import publish_marts
from exports.bi.fingerprints import fingerprint_table
from exports.bi.warehouse import list_source_tables
from exports.consistency import duckdb_file_differences, parquet_dir_differences

FILES = ("district_bi.duckdb", "district_bi_restricted.duckdb")


def _publish(warehouse: Path, folder: Path, manifest: Path | None = None):
    return publish_marts(
        warehouse,
        f"duckdb:///{folder / 'bi' / 'district_bi.duckdb'}",
        manifest_path=manifest,
        parquet_dir=folder / "parquet",
    )


def _changed_copy(warehouse: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "changed.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        for statement in statements:
            con.execute(statement)
    return copy


def _differences(folder: Path, reference: Path) -> list[str]:
    differences = []
    for name in FILES:
        differences += duckdb_file_differences(folder / "bi" / name, reference / "bi" / name)
    return differences + parquet_dir_differences(folder / "parquet", reference / "parquet")


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_one_changed_school_year_is_all_that_is_rewritten(
    warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _publish(warehouse_path, out)
    assert set(first.tables_rebuilt) == set(first.tables)
    changed = _changed_copy(
        warehouse_path,
        tmp_path,
        "update marts.school_scorecard set value = value + 0.5 where school_year = '2023-24'",
    )
    second = _publish(changed, out)

    assert second.tables_rebuilt == ()
    assert second.years_rebuilt == {"marts.school_scorecard": ["2023-24"]}
    # Both measures of the year changed: the year is rewritten whole, not measure by measure.
    assert second.measures_rebuilt == {}
    assert len(second.tables_reused) == len(second.tables) - 1
    assert [p.relative_to(out / "parquet").as_posix() for p in second.parquet_written] == [
        "marts/school_scorecard/school_year=2023-24/data.parquet"
    ]
    assert second.parquet_reused == len(second.parquet_files) - 1
    reference = tmp_path / "reference"
    _publish(changed, reference)
    assert _differences(out, reference) == []


def test_one_changed_measure_of_a_year_is_all_that_is_rewritten(
    warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _publish(warehouse_path, out)
    changed = _changed_copy(
        warehouse_path,
        tmp_path,
        "update marts.school_scorecard set n = n + 1 "
        "where school_year = '2024-25' and measure_code = 'chronic_absence_rate'",
    )
    result = _publish(changed, out)
    assert result.years_rebuilt == {"marts.school_scorecard": ["2024-25"]}
    assert result.measures_rebuilt == {
        "marts.school_scorecard": {"2024-25": ["chronic_absence_rate"]}
    }
    reference = tmp_path / "reference"
    _publish(changed, reference)
    assert _differences(out, reference) == []
    # Stored year by year, each year sorted by school: the lookup still finds every row.
    with duckdb.connect(str(out / "bi" / "district_bi.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select count(*) from marts.school_scorecard where school_code = 'S001'"
        ).fetchone()
    assert rows == (16,)


def test_a_new_year_new_and_dropped_tables_and_new_columns(make_warehouse, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _publish(make_warehouse(1), out)
    # Version 2 adds 2025-26 to the scorecard and rows to enrollment; then more changes.
    changed = _changed_copy(
        make_warehouse(2),
        tmp_path,
        "alter table marts.dim_schools add column board_district integer default 3",
        "drop table restricted.fct_student_early_warning",
        "create table marts.school_calendar as select 'S001' as school_code, 180 as days",
        "delete from marts.school_scorecard where school_year = '2021-22'",
    )
    result = _publish(changed, out)
    assert result.years_rebuilt == {
        "marts.enrollment_by_group": ["2024-25"],
        "marts.school_scorecard": ["2021-22", "2025-26"],
    }
    assert set(result.tables_rebuilt) == {"marts.dim_schools", "marts.school_calendar"}
    assert result.tables_dropped == ("restricted.fct_student_early_warning",)
    removed = {p.relative_to(out / "parquet").as_posix() for p in result.parquet_removed}
    assert removed == {
        "marts/school_scorecard/school_year=2021-22/data.parquet",
        "restricted/fct_student_early_warning/school_year=2024-25/data.parquet",
    }
    reference = tmp_path / "reference"
    _publish(changed, reference)
    assert _differences(out, reference) == []


def test_nothing_changed_leaves_every_file_as_it_was(warehouse_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _publish(warehouse_path, out)
    before = _stamps(out)
    again = _publish(warehouse_path, out)
    assert _stamps(out) == before  # not even rewritten: open readers are not disturbed
    assert again.tables_rebuilt == () and again.years_rebuilt == {}
    assert set(again.tables_reused) == set(again.tables)
    assert again.parquet_written == ()


def test_a_new_description_is_written_to_the_table(
    warehouse_path: Path, manifest_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _publish(warehouse_path, out, manifest_path)
    manifest = json.loads(manifest_path.read_text())
    node = manifest["nodes"]["model.district.school_scorecard"]
    node["description"] = "Every measure, school, year and group."
    manifest_path.write_text(json.dumps(manifest))
    result = _publish(warehouse_path, out, manifest_path)
    assert result.tables_rebuilt == ("marts.school_scorecard",)
    assert result.parquet_written == ()  # Parquet files carry no descriptions
    with duckdb.connect(str(out / "bi" / "district_bi.duckdb"), read_only=True) as con:
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'school_scorecard'"
        ).fetchone()[0]
    assert comment == "Every measure, school, year and group."


def test_a_published_file_edited_behind_the_publisher_is_repaired(
    warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _publish(warehouse_path, out)
    with duckdb.connect(str(out / "bi" / "district_bi.duckdb")) as con:
        con.execute("delete from marts.enrollment_by_group where n = 0")
    result = _publish(warehouse_path, out)
    assert result.tables_rebuilt == ("marts.enrollment_by_group",)
    reference = tmp_path / "reference"
    _publish(warehouse_path, reference)
    assert _differences(out, reference) == []


def test_a_file_without_fingerprints_is_built_from_nothing(
    warehouse_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "bi" / "district_bi.duckdb"
    target.parent.mkdir(parents=True)
    with duckdb.connect(str(target)) as con:
        con.execute("create schema stale; create table stale.leftover as select 1 as x")
    result = _publish(warehouse_path, tmp_path / "out")
    assert set(result.tables_rebuilt) == set(result.tables)
    with duckdb.connect(str(target), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_tables()").fetchall()
        }
    assert schemas == {"marts", "reference"}


def test_fingerprints_ignore_row_order_and_see_every_changed_value(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "f.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.a as select '2024-25' as school_year, "
            "'M' || (i % 3) as measure_code, i as n from range(1000) as r(i)"
        )
        con.execute("create table marts.b as select * from marts.a order by n desc")
        con.execute("create table marts.c as select * from marts.a")
        con.execute("update marts.c set n = 1002 where n = 999")  # measure M0 (999 % 3 = 0)
        tables = {t.name: t for t in list_source_tables(con, "f", "marts")}
        a, b, c = (fingerprint_table(con, "f", tables[name]) for name in "abc")
    assert a.partitions == b.partitions and a.subpartitions == b.subpartitions
    assert a.partitions != c.partitions
    before, after = a.subpartitions["2024-25"], c.subpartitions["2024-25"]
    assert before["M0"] != after["M0"]
    assert (before["M1"], before["M2"]) == (after["M1"], after["M2"])
    # A year's digest is its measures' digests added up.
    rows, total = zip(*(digest.split(":") for digest in before.values()), strict=True)
    assert a.partitions["2024-25"] == f"{sum(map(int, rows))}:{sum(map(int, total))}"
    assert a.rows == 1000


@pytest.mark.parametrize("value", ["", None, "20 24"])
def test_a_table_with_an_unusable_school_year_is_published_whole(
    tmp_path: Path, value: str | None
) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create schema reference; create schema restricted")
        con.execute("create table marts.t as select ? as school_year, 1 as n", [value])
        con.execute("create table reference.r as select 1 as x")
        con.execute("create table restricted.s as select 1 as x")
    result = _publish(warehouse, tmp_path / "out")
    assert (tmp_path / "out" / "parquet" / "marts" / "t.parquet").is_file()
    assert result.rows_by_table["marts.t"] == 1
