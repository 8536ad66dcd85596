"""The bottom layer: the limits every DuckDB connection gets, SQL quoting, school-year
arithmetic, and the import rules that keep it at the bottom (warehouse/README.md)."""

from __future__ import annotations

import ast
import os
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.common.warehouse import connect_warehouse
from warehouse.connection import connect, duckdb_limits
from warehouse.school_year import (
    is_school_year,
    previous_school_year,
    school_year_label,
    school_year_of,
    school_year_start,
)
from warehouse.sql import quote_identifier, quote_literal

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = {"ingestion", "quality", "exports", "orchestration", "synthetic_district"}
LIMITS = {"DUCKDB_MEMORY_LIMIT": "512MB", "DUCKDB_THREADS": "3"}
# 512 MB = 512,000,000 bytes = 488.28 MiB, as DuckDB reports it.
LIMITS_AS_REPORTED = ("488.2 MiB", 3)


def _settings(con: duckdb.DuckDBPyConnection) -> tuple:
    return con.execute(
        "select current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('preserve_insertion_order')"
    ).fetchone()


def test_in_memory_connection_gets_the_limits():
    con = connect(None, environ=LIMITS)
    assert _settings(con) == (*LIMITS_AS_REPORTED, False)


def test_file_connections_get_the_limits_from_the_environment(tmp_path, monkeypatch):
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "new" / "warehouse.duckdb"
    con = connect(path)  # a writable file gets its folder
    con.execute("create table t as select 1 as a")
    assert _settings(con) == (*LIMITS_AS_REPORTED, False)
    con.close()

    reader = connect(path, read_only=True)
    assert _settings(reader) == (*LIMITS_AS_REPORTED, False)
    with pytest.raises(duckdb.Error):
        reader.execute("insert into t values (2)")
    reader.close()

    ingestion_con = connect_warehouse(path)
    assert _settings(ingestion_con) == (*LIMITS_AS_REPORTED, False)
    ingestion_con.close()


def test_the_quality_runner_connection_gets_the_limits(tmp_path, monkeypatch):
    """GX reads the warehouse through SQLAlchemy; its URL carries the same limits."""
    import sqlalchemy as sa

    from quality.duckdb_dialect import warehouse_url

    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "warehouse.duckdb"
    connect(path).close()
    engine = sa.create_engine(warehouse_url(path))
    try:
        with engine.connect() as con:
            settings = con.exec_driver_sql(
                "select current_setting('memory_limit'), current_setting('threads'), "
                "current_setting('access_mode')"
            ).fetchone()
    finally:
        engine.dispose()
    assert tuple(settings) == (*LIMITS_AS_REPORTED, "read_only")


def test_a_writable_warehouse_is_owner_only_whatever_the_umask(tmp_path):
    """Student-level rows: 0600 for the file and a WAL left behind, 0700 for the spill folder
    and the folder the connection creates, even when the umask would let every account read
    them (DuckDB replays and removes an empty WAL on opening, so the WAL is not asserted)."""
    path = tmp_path / "warehouse" / "district.duckdb"
    previous = os.umask(0o022)
    try:
        con = connect(path)
        con.execute("create table students as select 'S0000001' as student_id")
        con.close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        # A spill folder and a widened file left by an earlier process, under the umask.
        (tmp_path / "warehouse" / "district.duckdb.tmp").mkdir()
        os.chmod(path, 0o644)
        connect(path).close()
    finally:
        os.umask(previous)
    modes = {
        name: stat.S_IMODE((tmp_path / "warehouse" / name).stat().st_mode)
        for name in ("district.duckdb", "district.duckdb.tmp")
    }
    assert modes == {"district.duckdb": 0o600, "district.duckdb.tmp": 0o700}


def test_empty_variables_count_as_unset():
    limits = duckdb_limits({"DUCKDB_MEMORY_LIMIT": "", "DUCKDB_THREADS": ""})
    assert limits["memory_limit"] == "4GB"
    assert limits["threads"] >= 1


def test_quoting_round_trips_names_and_values_with_quotes():
    con = connect(None)
    name = "odd \"name\" with 'both'"
    value = 'O\'Brien said "hi"'
    con.execute(f"create table {quote_identifier(name)} ({quote_identifier(name)} varchar)")
    con.execute(f"insert into {quote_identifier(name)} values ({quote_literal(value)})")
    assert con.execute(
        f"select {quote_identifier(name)} from {quote_identifier(name)}"
    ).fetchall() == [(value,)]
    assert con.execute(
        "select column_name from information_schema.columns where table_name = ?", [name]
    ).fetchall() == [(name,)]
    assert quote_identifier('a"b') == '"a""b"'
    assert quote_literal("a'b") == "'a''b'"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 8, 15), "2024-25"),
        (date(2024, 7, 1), "2024-25"),  # the first day of a school year
        (date(2024, 6, 30), "2023-24"),  # the last day of the one before
        (date(2025, 6, 30), "2024-25"),
        (date(2025, 1, 1), "2024-25"),
        (date(1999, 9, 1), "1999-00"),  # the century turns in the label
    ],
)
def test_school_year_of_a_date(day, expected):
    assert school_year_of(day) == expected
    assert school_year_label(school_year_start(day)) == expected


def test_school_year_of_matches_the_dbt_macro_sql():
    """The Python and the SQL of `school_year_of` (dbt_project/macros/school_year.sql) agree."""
    con = connect(None)
    days = [date(2024, 6, 30), date(2024, 7, 1), date(1999, 12, 31), date(2000, 6, 30)]
    for day in days:
        start = con.execute(
            "select cast(extract(year from ?::date) as integer) "
            "- case when extract(month from ?::date) >= 7 then 0 else 1 end",
            [day, day],
        ).fetchone()[0]
        assert school_year_start(day) == start


def test_previous_school_year_and_validity():
    assert previous_school_year("2025-26") == "2024-25"
    assert previous_school_year("2000-01") == "1999-00"
    assert is_school_year("2025-26")
    assert is_school_year("1999-00")
    assert not is_school_year("2025-27")
    assert not is_school_year("2025-2026")


def _imported_top_packages(source: str) -> set[str]:
    """The first part of every absolute import in a module, including imports inside functions."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _imports_by_file(folder: str) -> dict[str, set[str]]:
    return {
        str(path.relative_to(REPO_ROOT)): _imported_top_packages(path.read_text())
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
    }


def test_the_import_walker_sees_module_and_function_level_imports():
    source = "import ingestion.contracts\n\ndef f():\n    from quality.runner import x\n"
    assert _imported_top_packages(source) == {"ingestion", "quality"}


def test_exports_import_nothing_of_ingestion():
    files = _imports_by_file("exports")
    assert files, "no source files found under exports/"
    offenders = {path: names for path, names in files.items() if "ingestion" in names}
    assert offenders == {}


def test_warehouse_imports_nothing_of_the_project():
    files = _imports_by_file("warehouse")
    assert files, "no source files found under warehouse/"
    offenders = {
        path: names & PROJECT_PACKAGES for path, names in files.items() if names & PROJECT_PACKAGES
    }
    assert offenders == {}
