"""HR: reading any SQLAlchemy database in key order and chunks, typed, with lineage."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ingestion.contracts import HR_TABLES
from ingestion.hr import HrSourceError, load_hr, masked_url

STAFF_ROWS = [
    # inserted out of key order: _source_row must follow staff_id, not insertion
    (
        "E000003",
        "Cho",
        "Min",
        "1990-07-04",
        "F",
        0,
        "AS",
        "2018-08-01",
        None,
        "2025-06-01T08:00:00Z",
    ),
    (
        "E000001",
        "Banks",
        "Ray",
        "1975-01-15",
        "M",
        1,
        "BL;WH",
        "2001-08-15",
        "2024-06-30",
        "2025-06-01 08:00:00",
    ),
    (
        "E000002",
        "Ortiz",
        "Ana",
        "1980-02-30",
        "F",
        None,
        None,
        "2010-08-20",
        None,
        "2025-06-01T01:00:00-07:00",
    ),
]


def build_hr_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    for contract in HR_TABLES:
        columns = ", ".join(
            f"{name} {'INTEGER' if kind == 'INTEGER' else 'REAL' if kind == 'DOUBLE' else 'TEXT'}"
            for name, kind in contract.columns.items()
        )
        db.execute(f"create table {contract.name} ({columns}, extra_column TEXT)")
    db.executemany("insert into staff values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ignored')", STAFF_ROWS)
    db.executemany(
        "insert into positions values (?, ?, ?, ?, ?, ?, ?, null)",
        [
            ("P0002", None, "CLAS", "Custodian", 1.0, 1, "2025-01-01T00:00:00Z"),
            ("P0001", "1930001", "CERT", "Teacher", 0.5, 0, "2025-01-01T00:00:00Z"),
        ],
    )
    db.commit()
    db.close()
    return path


def test_load_hr_types_order_and_lineage(con, settings):
    build_hr_database(settings.sources_dir / "hr" / "hr.sqlite")
    results = load_hr(con, settings, chunk_rows=2)

    assert set(results) == {c.raw_table for c in HR_TABLES}
    staff = results["hr__staff"]
    # 3 rows read in chunks of 2 + 1; E000002's birth date (30 February) is quarantined
    assert (staff.rows_read, staff.rows_loaded, staff.rows_quarantined) == (3, 2, 1)
    url = f"sqlite:///{(settings.sources_dir / 'hr' / 'hr.sqlite').as_posix()}"
    assert staff.files == (f"{url}#staff",)
    rows = con.execute(
        "select staff_id, birth_date, is_hispanic_latino, race_codes, separation_date, "
        "last_modified_at, _source_file, _source_row from raw.hr__staff order by staff_id"
    ).fetchall()
    assert rows == [
        (
            "E000001",
            date(1975, 1, 15),
            1,
            "BL;WH",
            date(2024, 6, 30),
            datetime(2025, 6, 1, 8, tzinfo=UTC),
            f"{url}#staff",
            1,
        ),
        (
            "E000003",
            date(1990, 7, 4),
            0,
            "AS",
            None,
            datetime(2025, 6, 1, 8, tzinfo=UTC),
            f"{url}#staff",
            3,
        ),
    ]
    assert con.execute(
        "select source_row, rule, column_name, offending_value from raw._quarantine"
    ).fetchall() == [(2, "invalid_date", "birth_date", "1980-02-30")]

    positions = con.execute(
        "select position_id, school_code, fte, is_active, _source_row "
        "from raw.hr__positions order by position_id"
    ).fetchall()
    assert positions == [("P0001", "1930001", 0.5, 0, 1), ("P0002", None, 1.0, 1, 2)]
    assert results["hr__vacancies"].rows_read == 0


def test_modified_since_merges_only_changed_rows(con, settings):
    path = build_hr_database(settings.sources_dir / "hr" / "hr.sqlite")
    load_hr(con, settings)
    db = sqlite3.connect(path)
    db.execute(
        "update staff set last_name = 'Banks-Ray', last_modified_at = "
        "'2025-07-02T09:00:00Z' where staff_id = 'E000001'"
    )
    db.commit()
    db.close()

    results = load_hr(con, settings, modified_since=datetime(2025, 7, 1, tzinfo=UTC))

    # only E000001 changed after 1 July; no position did
    assert results["hr__staff"].rows_read == 1
    assert results["hr__positions"].rows_read == 0
    assert con.execute(
        "select staff_id, last_name from raw.hr__staff order by staff_id"
    ).fetchall() == [("E000001", "Banks-Ray"), ("E000003", "Cho")]
    assert con.execute("select count(*) from raw.hr__positions").fetchone() == (2,)


def test_password_is_masked():
    assert masked_url("postgresql+psycopg://hr:s3cret@db.example/hr") == (
        "postgresql+psycopg://hr:***@db.example/hr"
    )


def test_missing_sqlite_file_is_a_clear_error(con, settings):
    with pytest.raises(HrSourceError, match="HR database file not found: sqlite:///.*hr.sqlite"):
        load_hr(con, settings)


def test_unreachable_server_names_the_database_without_its_password(con, settings):
    unreachable = replace(
        settings,
        hr_database_url="postgresql+psycopg://hr:s3cret@127.0.0.1:9/hr?connect_timeout=2",
    )
    with pytest.raises(HrSourceError) as raised:
        load_hr(con, unreachable)
    assert "cannot reach the HR database postgresql+psycopg://hr:***@127.0.0.1:9/hr" in str(
        raised.value
    )
    assert "s3cret" not in str(raised.value)


def test_missing_column_is_a_clear_error(con, settings):
    path = build_hr_database(settings.sources_dir / "hr" / "hr.sqlite")
    db = sqlite3.connect(path)
    db.execute("alter table vacancies drop column status")
    db.commit()
    db.close()
    with pytest.raises(HrSourceError, match="vacancies .* lacks column.*status"):
        load_hr(con, settings)


def test_a_postgresql_hr_database_loads_the_same_way(con, settings):
    """The same reader on PostgreSQL, where dates and timestamps are real typed columns."""
    sa = pytest.importorskip("sqlalchemy")
    schema = f"hr_ingest_test_{uuid.uuid4().hex[:8]}"
    admin_url = "postgresql+psycopg://postgres@localhost:5432/test"
    try:
        admin = sa.create_engine(admin_url, connect_args={"connect_timeout": 2})
        with admin.begin() as connection:
            connection.execute(sa.text(f"create schema {schema}"))
    except sa.exc.OperationalError:
        pytest.skip("no PostgreSQL on localhost:5432")
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"set search_path to {schema}"))
            for contract in HR_TABLES:
                columns = ", ".join(
                    f"{name} {PG_TYPES[kind]}" for name, kind in contract.columns.items()
                )
                connection.execute(sa.text(f"create table {contract.name} ({columns})"))
            connection.execute(
                sa.text(
                    "insert into positions values "
                    "('P2', null, 'CLAS', 'Custodian', 1.0, 1, '2025-01-01T08:00:00Z'), "
                    "('P1', '1930001', 'CERT', 'Teacher', 0.5, 0, '2025-01-01T00:00:00-08:00')"
                )
            )
        url = f"{admin_url}?options=-csearch_path%3D{schema}"
        results = load_hr(con, replace(settings, hr_database_url=url))
        assert results["hr__positions"].rows_loaded == 2
        assert con.execute(
            "select position_id, school_code, fte, is_active, last_modified_at, _source_row "
            "from raw.hr__positions order by position_id"
        ).fetchall() == [
            # 00:00 at -08:00 is 08:00 UTC, the same instant as P2's
            ("P1", "1930001", 0.5, 0, datetime(2025, 1, 1, 8, tzinfo=UTC), 1),
            ("P2", None, 1.0, 1, datetime(2025, 1, 1, 8, tzinfo=UTC), 2),
        ]
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"drop schema {schema} cascade"))
        admin.dispose()


PG_TYPES = {
    "VARCHAR": "text",
    "DATE": "date",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "TIMESTAMPTZ": "timestamptz",
}
