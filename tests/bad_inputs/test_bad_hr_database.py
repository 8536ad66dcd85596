"""The HR database: unreachable servers named with the password masked, and incremental pulls
by last_modified_at (watermark in raw._source_cursors, merged by key) on SQLite, PostgreSQL
and MariaDB.

PostgreSQL (localhost:5432, user postgres, database test) and MariaDB (localhost:3306, root,
empty password, database test) run on every developer machine and in CI; a missing server fails
these tests unless DISTRICT_ALLOW_NO_POSTGRES=1 / DISTRICT_ALLOW_NO_MARIADB=1 says to skip.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from ingestion.common.cursors import read_cursor
from ingestion.contracts import HR_TABLES
from ingestion.hr import HrSourceError, load_hr

STAFF = next(c for c in HR_TABLES if c.name == "staff")

# (staff_id, last_name, last_modified_at as UTC wall-clock text)
FIRST_STAFF = [
    ("E000001", "Banks", "2025-06-01 08:00:00"),
    ("E000002", "Cho", "2025-06-02 08:00:00"),
]
TYPES = {
    "sqlite": {
        "VARCHAR": "text",
        "DATE": "text",
        "INTEGER": "integer",
        "DOUBLE": "real",
        "TIMESTAMPTZ": "text",
    },
    "postgresql": {
        "VARCHAR": "text",
        "DATE": "date",
        "INTEGER": "integer",
        "DOUBLE": "double precision",
        "TIMESTAMPTZ": "timestamptz",
    },
    # MariaDB has no zone-aware type: DATETIME holds the UTC wall-clock time
    "mysql": {
        "VARCHAR": "varchar(64)",
        "DATE": "date",
        "INTEGER": "integer",
        "DOUBLE": "double",
        "TIMESTAMPTZ": "datetime(6)",
    },
}


def create_hr_tables(connection, dialect: str) -> None:
    for contract in HR_TABLES:
        columns = ", ".join(
            f"{name} {TYPES[dialect][kind]}" for name, kind in contract.columns.items()
        )
        connection.execute(sa.text(f"create table {contract.name} ({columns})"))


def upsert_staff(connection, rows, dialect: str) -> None:
    suffix = "+00" if dialect == "postgresql" else ""
    for staff_id, last_name, modified in rows:
        connection.execute(sa.text("delete from staff where staff_id = :id"), {"id": staff_id})
        connection.execute(
            sa.text(
                "insert into staff (staff_id, last_name, first_name, birth_date, gender, "
                "is_hispanic_latino, original_hire_date, last_modified_at) values "
                "(:id, :last, 'Pat', '1980-01-31', 'X', 0, '2010-08-20', :modified)"
            ),
            {"id": staff_id, "last": last_name, "modified": modified + suffix},
        )


def check_incremental_pulls(con, settings, url: str, engine, dialect: str) -> None:
    """Full first pull; then a pull from the watermark that merges a change and a new row."""
    live = replace(settings, hr_database_url=url)
    first = load_hr(con, live)["hr__staff"]
    assert (first.rows_read, first.rows_loaded) == (2, 2)
    assert read_cursor(con, "hr", "staff") == datetime(2025, 6, 2, 8, tzinfo=UTC)

    with engine.begin() as connection:
        upsert_staff(
            connection,
            [
                ("E000001", "Banks-Ray", "2025-07-02 09:00:00"),
                ("E000003", "Diaz", "2025-07-01 00:00:00"),
            ],
            dialect,
        )
    second = load_hr(con, live)["hr__staff"]

    # at or after the 2025-06-02 08:00 watermark: E000002 (the boundary), E000001, E000003
    assert (second.rows_read, second.rows_loaded, second.rows_quarantined) == (3, 3, 0)
    assert con.execute(
        "select staff_id, last_name, birth_date, last_modified_at from raw.hr__staff order by 1"
    ).fetchall() == [
        ("E000001", "Banks-Ray", date(1980, 1, 31), datetime(2025, 7, 2, 9, tzinfo=UTC)),
        ("E000002", "Cho", date(1980, 1, 31), datetime(2025, 6, 2, 8, tzinfo=UTC)),
        ("E000003", "Diaz", date(1980, 1, 31), datetime(2025, 7, 1, tzinfo=UTC)),
    ]
    assert read_cursor(con, "hr", "staff") == datetime(2025, 7, 2, 9, tzinfo=UTC)
    # tables with no rows have no watermark and are pulled whole next time
    assert read_cursor(con, "hr", "vacancies") is None


def require_server(name: str, port: int, allow_variable: str, why: str) -> None:
    """Fail (or skip when `allow_variable`=1) if nothing listens on localhost:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as error:
        message = (
            f"{name} on localhost:{port} is required: {why} ({error}). Start it, or set "
            f"{allow_variable}=1 to skip this test."
        )
        if os.environ.get(allow_variable) == "1":
            print(f"skipping: {message}")
            pytest.skip(message)
        pytest.fail(message)


def test_sqlite_incremental_pulls_merge_by_key(con, settings, tmp_path):
    path = tmp_path / "hr.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        create_hr_tables(connection, "sqlite")
        upsert_staff(connection, FIRST_STAFF, "sqlite")
    check_incremental_pulls(con, settings, f"sqlite:///{path}", engine, "sqlite")
    engine.dispose()


def test_a_failed_pull_keeps_table_and_watermark(con, settings, tmp_path):
    path = tmp_path / "hr.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        create_hr_tables(connection, "sqlite")
        upsert_staff(connection, FIRST_STAFF[:1], "sqlite")
    engine.dispose()
    live = replace(settings, hr_database_url=f"sqlite:///{path}")
    load_hr(con, live)
    with sqlite3.connect(path) as db:
        db.execute("alter table staff rename column last_name to surname")
    with pytest.raises(HrSourceError) as raised:
        load_hr(con, live)
    assert raised.value.rule == "missing_column"
    assert "staff" in raised.value.source_file and "last_name" in str(raised.value)
    assert con.execute("select staff_id from raw.hr__staff").fetchall() == [("E000001",)]
    assert read_cursor(con, "hr", "staff") == datetime(2025, 6, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://hr:s3cret@127.0.0.1:9/hr?connect_timeout=2",
            "postgresql+psycopg://hr:***@127.0.0.1:9/hr",
        ),
        (
            "mysql+pymysql://hr:s3cret@127.0.0.1:9/hr?connect_timeout=2",
            "mysql+pymysql://hr:***@127.0.0.1:9/hr",
        ),
    ],
    ids=["postgresql", "mariadb"],
)
def test_unreachable_database_is_named_with_the_password_masked(con, settings, url, shown):
    with pytest.raises(HrSourceError) as raised:
        load_hr(con, replace(settings, hr_database_url=url))
    error = raised.value
    assert error.rule == "unreachable_database"
    assert str(error).startswith(f"hr [unreachable_database] cannot reach the HR database {shown}")
    assert "s3cret" not in str(error)
    assert error.__cause__ is None or "s3cret" not in str(error.__cause__)


def test_postgresql_incremental_pulls(con, settings):
    require_server(
        "PostgreSQL",
        5432,
        "DISTRICT_ALLOW_NO_POSTGRES",
        "the HR extract must work against a PostgreSQL HR database",
    )
    schema = f"hr_bad_inputs_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine("postgresql+psycopg://postgres@localhost:5432/test")
    url = f"postgresql+psycopg://postgres@localhost:5432/test?options=-csearch_path%3D{schema}"
    engine = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"create schema {schema}"))
        with engine.begin() as connection:
            create_hr_tables(connection, "postgresql")
            upsert_staff(connection, FIRST_STAFF, "postgresql")
        check_incremental_pulls(con, settings, url, engine, "postgresql")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"drop schema if exists {schema} cascade"))
        admin.dispose()


def test_mariadb_incremental_pulls(con, settings):
    require_server(
        "MariaDB",
        3306,
        "DISTRICT_ALLOW_NO_MARIADB",
        "the HR extract must work against a MariaDB/MySQL HR database",
    )
    database = f"hr_bad_inputs_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine("mysql+pymysql://root@127.0.0.1:3306/test")
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    engine = sa.create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"create database {database}"))
        with engine.begin() as connection:
            create_hr_tables(connection, "mysql")
            upsert_staff(connection, FIRST_STAFF, "mysql")
        check_incremental_pulls(con, settings, url, engine, "mysql")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"drop database if exists {database}"))
        admin.dispose()


def test_a_missing_sqlite_file_is_not_retried(con, settings, tmp_path):
    """SQLite would create an empty database for a path that does not exist; the reader
    refuses instead, with a rule outside the transient ones (a retry cannot make the file)."""
    from ingestion.common.errors import is_transient

    missing = tmp_path / "nowhere" / "hr.sqlite"
    with pytest.raises(HrSourceError) as raised:
        load_hr(con, replace(settings, hr_database_url=f"sqlite:///{missing}"))
    assert raised.value.rule == "missing_database"
    assert not is_transient(raised.value)
    assert not missing.exists()
