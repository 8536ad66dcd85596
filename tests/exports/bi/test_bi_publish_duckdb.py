"""Publishing to a DuckDB file and to Parquet files, against the fixture warehouse."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from exports.bi import publish_marts
from exports.bi.warehouse import MissingSchemaError

# A checksum over every row, independent of row order.
TABLE_CHECKSUM_SQL = "select count(*), sum(hash(t)) from {table} as t"


def _checksum(path: Path, table: str) -> tuple[int, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(TABLE_CHECKSUM_SQL.format(table=table)).fetchone()


def _files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_duckdb_target_holds_every_open_table_with_equal_rows_and_comments(
    warehouse_path: Path, manifest_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "bi" / "district_bi.duckdb"
    result = publish_marts(warehouse_path, f"duckdb:///{target}", manifest_path=manifest_path)

    assert result.rows_by_table == {
        "marts.dim_schools": 2,
        "marts.enrollment_by_group": 20_000,
        "marts.measure_catalog": 1,
        # 4 years × 2 schools × 2 measures × 2 groups = 32
        "marts.school_scorecard": 32,
        "reference.attendance_bands": 3,
        "restricted.dim_students": 2,
        "restricted.fct_student_early_warning": 1,
    }
    assert result.seconds > 0
    with duckdb.connect(str(target), read_only=True) as con:
        published = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        assert [row[0] for row in published] == [
            "marts.dim_schools",
            "marts.enrollment_by_group",
            "marts.measure_catalog",
            "marts.school_scorecard",
            "reference.attendance_bands",
        ]
        table_comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'school_scorecard'"
        ).fetchone()[0]
        assert table_comment == "One row per school, year, measure and student group."
        column_comments = dict(
            con.execute(
                "select column_name, comment from duckdb_columns() "
                "where table_name = 'school_scorecard' and comment is not null"
            ).fetchall()
        )
        assert column_comments == {
            "school_code": "District school code.",
            "value": "The measure's value; it's a rate.",
        }
    for table in ("marts.dim_schools", "marts.school_scorecard", "reference.attendance_bands"):
        assert _checksum(target, table) == _checksum(warehouse_path, table)


def test_restricted_tables_go_to_an_owner_only_file_not_the_analyst_file(
    warehouse_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "district_bi.duckdb"
    publish_marts(warehouse_path, f"duckdb:///{target}")

    restricted_file = tmp_path / "district_bi_restricted.duckdb"
    assert stat.S_IMODE(restricted_file.stat().st_mode) == 0o600
    with duckdb.connect(str(target), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_tables()").fetchall()
        }
    assert "restricted" not in schemas
    with duckdb.connect(str(restricted_file), read_only=True) as con:
        names = con.execute(
            "select first_name from restricted.dim_students order by student_id"
        ).fetchall()
    assert names == [("Ana",), ("Ben",)]


def test_publishing_twice_leaves_an_identical_target_and_no_leftovers(
    warehouse_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "bi" / "district_bi.duckdb"
    parquet_dir = tmp_path / "parquet"
    publish_marts(warehouse_path, f"duckdb:///{target}", parquet_dir=parquet_dir)
    first = {t: _checksum(target, t) for t in ("marts.school_scorecard", "marts.dim_schools")}
    files_after_first = _files_in(tmp_path / "bi") | _files_in(parquet_dir)

    publish_marts(warehouse_path, f"duckdb:///{target}", parquet_dir=parquet_dir)
    second = {t: _checksum(target, t) for t in ("marts.school_scorecard", "marts.dim_schools")}

    assert first == second
    assert first["marts.school_scorecard"][0] == 32
    assert _files_in(tmp_path / "bi") | _files_in(parquet_dir) == files_after_first
    assert _files_in(tmp_path / "bi") == {"district_bi.duckdb", "district_bi_restricted.duckdb"}


def test_a_new_warehouse_replaces_the_published_file_while_an_open_reader_keeps_the_old_one(
    make_warehouse: Callable[[int], Path], tmp_path: Path
) -> None:
    target = tmp_path / "district_bi.duckdb"
    publish_marts(make_warehouse(1), f"duckdb:///{target}")
    open_reader = duckdb.connect(str(target), read_only=True)
    count_sql = "select count(*) from marts.school_scorecard"
    try:
        publish_marts(make_warehouse(2), f"duckdb:///{target}")
        # The reader opened before the publish still sees the full old table (32 rows) ...
        assert open_reader.execute(count_sql).fetchone()[0] == 32
    finally:
        open_reader.close()
    # ... and a new reader sees the full new one: 5 years × 2 × 2 × 2 = 40 rows.
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute(count_sql).fetchone()[0] == 40


def test_parquet_files_one_dataset_per_table_match_the_warehouse_and_restricted_is_owner_only(
    warehouse_path: Path, tmp_path: Path
) -> None:
    parquet_dir = tmp_path / "parquet"
    result = publish_marts(
        warehouse_path, f"duckdb:///{tmp_path / 'bi.duckdb'}", parquet_dir=parquet_dir
    )

    # Tables with a school_year column are folders partitioned by it (hive style); the others
    # are one file each.
    assert _files_in(parquet_dir) == {
        "marts/dim_schools.parquet",
        "marts/enrollment_by_group/school_year=2024-25/data.parquet",
        "marts/measure_catalog.parquet",
        *(
            f"marts/school_scorecard/school_year={year}/data.parquet"
            for year in ("2021-22", "2022-23", "2023-24", "2024-25")
        ),
        "reference/attendance_bands.parquet",
        "restricted/dim_students.parquet",
        "restricted/fct_student_early_warning/school_year=2024-25/data.parquet",
    }
    assert len(result.parquet_files) == 10
    assert stat.S_IMODE((parquet_dir / "restricted").stat().st_mode) == 0o700
    assert stat.S_IMODE((parquet_dir / "restricted/dim_students.parquet").stat().st_mode) == 0o600
    early_warning = parquet_dir / "restricted/fct_student_early_warning"
    assert stat.S_IMODE(early_warning.stat().st_mode) == 0o700
    assert stat.S_IMODE((early_warning / "school_year=2024-25/data.parquet").stat().st_mode) == (
        0o600
    )
    columns = "school_year, school_code, measure_code, student_group, value, n, status_color"
    files = parquet_dir / "marts/school_scorecard/*/*.parquet"
    with duckdb.connect() as con:
        # The school year comes back from the folder names.
        from_parquet = con.execute(
            TABLE_CHECKSUM_SQL.format(
                table=f"(select {columns} from read_parquet('{files}', hive_partitioning = true))"
            )
        ).fetchone()
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        from_warehouse = con.execute(
            TABLE_CHECKSUM_SQL.format(table=f"(select {columns} from marts.school_scorecard)")
        ).fetchone()
    assert from_parquet == from_warehouse
    frame = pd.read_parquet(parquet_dir / "marts/school_scorecard")
    assert len(frame) == 32 and set(frame.school_year.astype(str)) == {
        "2021-22",
        "2022-23",
        "2023-24",
        "2024-25",
    }


def test_parquet_files_of_tables_no_longer_in_the_warehouse_are_removed(
    warehouse_path: Path, tmp_path: Path
) -> None:
    parquet_dir = tmp_path / "parquet"
    (parquet_dir / "marts").mkdir(parents=True)
    (parquet_dir / "marts" / "dropped_mart.parquet").write_bytes(b"old")
    publish_marts(warehouse_path, f"duckdb:///{tmp_path / 'bi.duckdb'}", parquet_dir=parquet_dir)
    assert not (parquet_dir / "marts" / "dropped_mart.parquet").exists()


def test_a_missing_schema_fails_before_anything_is_replaced(
    warehouse_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "district_bi.duckdb"
    publish_marts(warehouse_path, f"duckdb:///{target}")
    before = _checksum(target, "marts.school_scorecard")
    with pytest.raises(MissingSchemaError, match="no_such_schema"):
        publish_marts(warehouse_path, f"duckdb:///{target}", schemas=("marts", "no_such_schema"))
    assert _checksum(target, "marts.school_scorecard") == before


def test_unsupported_targets_and_overlapping_schemas_are_refused(
    warehouse_path: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="unsupported BI target 'mysql'"):
        publish_marts(warehouse_path, "mysql+pymysql://root@localhost/test")
    with pytest.raises(ValueError, match="both open and restricted"):
        publish_marts(
            warehouse_path,
            f"duckdb:///{tmp_path / 'x.duckdb'}",
            schemas=("marts", "restricted"),
        )
