"""Publishing to the real local PostgreSQL: values, comments, roles, repeatability, atomic swap.

Each test publishes under its own schema prefix and roles (see `pg_run`), dropped afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import psycopg
import pytest
from psycopg import sql

from exports.bi import postgres_target, publish_marts
from exports.bi.postgres_target import UnsafeRoleSetupError


def _publish(run, warehouse: Path, manifest: Path | None = None):
    return publish_marts(
        warehouse,
        run.url,
        manifest_path=manifest,
        schema_prefix=run.prefix,
        analyst_role=run.analyst_role,
        restricted_role=run.restricted_role,
    )


def _as_role(conn: psycopg.Connection, role: str) -> None:
    conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))


def _table_fingerprint(conn: psycopg.Connection, table: str) -> tuple:
    # Row count and an order-independent checksum of every row's text form.
    return conn.execute(
        sql.SQL(
            "select count(*), md5(string_agg(t::text, '|' order by t::text)) from {} as t"
        ).format(sql.SQL(table))
    ).fetchone()


def test_values_round_trip_exactly_including_awkward_text_and_types(
    pg_run, warehouse_path: Path
) -> None:
    _publish(pg_run, warehouse_path)
    query = "select * from {}dim_schools order by school_code"
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        expected = con.execute(query.format("marts.")).fetchall()
    with pg_run.connect() as conn:
        published = conn.execute(query.format(pg_run.schema("marts") + ".")).fetchall()
        catalog = conn.execute(
            f"select applies_to_groups, lookback::text, measure_id::text, weight::text, "
            f"report_time::text, signature from {pg_run.schema('marts')}.measure_catalog"
        ).fetchone()
    # NaN never equals itself: compare share_el apart, the rest of the rows exactly.
    assert [row[:-1] for row in published] == [row[:-1] for row in expected]
    assert published[0][-1] == 0.1 and str(published[1][-1]) == "nan"
    # A NULL stays NULL and an empty string stays empty.
    assert published[0][2] is None and published[1][2] == ""
    assert catalog == (
        ["ALL", "EL"],
        "30 days",
        "8d2b7f4e-1c1a-4f55-9a51-3e0b8f0b2c11",
        "12345678901234567890",
        "07:45:00",
        b"abc",
    )


def test_analyst_reads_marts_and_reference_but_never_restricted(
    pg_run, warehouse_path: Path
) -> None:
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        _as_role(conn, pg_run.analyst_role)
        marts_rows = conn.execute(
            f"select count(*) from {pg_run.schema('marts')}.school_scorecard"
        ).fetchone()[0]
        reference_rows = conn.execute(
            f"select count(*) from {pg_run.schema('reference')}.attendance_bands"
        ).fetchone()[0]
        assert (marts_rows, reference_rows) == (32, 3)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute(f"select * from {pg_run.schema('restricted')}.dim_students")
        conn.execute("reset role")
        _as_role(conn, pg_run.restricted_role)
        assert conn.execute(
            f"select count(*) from {pg_run.schema('restricted')}.dim_students"
        ).fetchone() == (2,)
        # The restricted reader is confined to its schema too.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"select * from {pg_run.schema('marts')}.school_scorecard")
        conn.execute("reset role")
        # Read-only: the analyst can neither write to a table nor create one.
        _as_role(conn, pg_run.analyst_role)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"delete from {pg_run.schema('marts')}.school_scorecard")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"create table {pg_run.schema('marts')}.mine (x int)")


def test_roles_are_created_without_login_and_an_analyst_inside_the_restricted_role_is_refused(
    pg_run, warehouse_path: Path
) -> None:
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        can_login = conn.execute(
            "select rolcanlogin from pg_roles where rolname = %s", [pg_run.analyst_role]
        ).fetchone()
        assert can_login == (False,)
        conn.execute(
            sql.SQL("grant {} to {}").format(
                sql.Identifier(pg_run.restricted_role), sql.Identifier(pg_run.analyst_role)
            )
        )
    with pytest.raises(UnsafeRoleSetupError, match="could read student-level tables"):
        _publish(pg_run, warehouse_path)


def test_comments_from_the_dbt_manifest_are_on_tables_and_columns(
    pg_run, warehouse_path: Path, manifest_path: Path
) -> None:
    _publish(pg_run, warehouse_path, manifest_path)
    scorecard = f"{pg_run.schema('marts')}.school_scorecard"
    with pg_run.connect() as conn:
        table_comment = conn.execute(
            "select obj_description(%s::regclass, 'pg_class')", [scorecard]
        ).fetchone()[0]
        column_comments = dict(
            conn.execute(
                "select attname, col_description(attrelid, attnum) from pg_attribute "
                "where attrelid = %s::regclass and attnum > 0 "
                "and col_description(attrelid, attnum) is not null",
                [scorecard],
            ).fetchall()
        )
        restricted_comment = conn.execute(
            "select obj_description(%s::regclass, 'pg_class')",
            [f"{pg_run.schema('restricted')}.dim_students"],
        ).fetchone()[0]
    assert table_comment == "One row per school, year, measure and student group."
    assert column_comments == {
        "school_code": "District school code.",
        "value": "The measure's value; it's a rate.",
    }
    assert restricted_comment == "Student-level: one row per student."


def test_publishing_twice_leaves_identical_tables_and_no_staging_schema(
    pg_run, warehouse_path: Path
) -> None:
    tables = [f"{pg_run.schema('marts')}.{name}" for name in ("school_scorecard", "dim_schools")]
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        first = [_table_fingerprint(conn, table) for table in tables]
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        second = [_table_fingerprint(conn, table) for table in tables]
        schemas = sorted(
            row[0]
            for row in conn.execute(
                "select nspname from pg_namespace where starts_with(nspname, %s)", [pg_run.prefix]
            ).fetchall()
        )
        analyst_can_select = conn.execute(
            "select has_table_privilege(%s, %s, 'SELECT')", [pg_run.analyst_role, tables[0]]
        ).fetchone()[0]
    assert first == second
    assert first[0][0] == 32
    assert schemas == [pg_run.schema(s) for s in ("marts", "reference", "restricted")]
    assert analyst_can_select


def test_scorecard_has_the_lookup_index(pg_run, warehouse_path: Path) -> None:
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        definitions = [
            row[0]
            for row in conn.execute(
                "select indexdef from pg_indexes where schemaname = %s and tablename = %s",
                [pg_run.schema("marts"), "school_scorecard"],
            ).fetchall()
        ]
    assert len(definitions) == 1 and definitions[0].endswith("(school_code, school_year)")


def test_during_the_swap_readers_see_the_old_full_table_and_never_the_staging_one(
    pg_run, make_warehouse: Callable[[int], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(pg_run, make_warehouse(1))
    live = f"{pg_run.schema('marts')}.school_scorecard"
    staging = f"{pg_run.schema('marts')}__staging.school_scorecard"
    seen_before_swap: dict[str, object] = {}
    real_swap = postgres_target.swap_staging_into_place

    def swap_after_looking(conn, publications, **kwargs):
        with pg_run.connect() as reader:
            _as_role(reader, pg_run.analyst_role)
            seen_before_swap["live"] = reader.execute(f"select count(*) from {live}").fetchone()
            try:
                reader.execute(f"select count(*) from {staging}")
                seen_before_swap["staging"] = "readable"
            except psycopg.errors.InsufficientPrivilege:
                seen_before_swap["staging"] = "denied"
        real_swap(conn, publications, **kwargs)

    monkeypatch.setattr(postgres_target, "swap_staging_into_place", swap_after_looking)
    _publish(pg_run, make_warehouse(2))

    # Everything of version 2 was loaded, yet analysts still saw version 1's 32 rows.
    assert seen_before_swap == {"live": (32,), "staging": "denied"}
    with pg_run.connect() as conn:
        assert conn.execute(f"select count(*) from {live}").fetchone() == (40,)


def test_a_failed_publish_leaves_the_live_tables_untouched(
    pg_run, make_warehouse: Callable[[int], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(pg_run, make_warehouse(1))
    real_load = postgres_target._load_staging_table

    def load_then_fail_on_scorecard(conn, warehouse, catalog, publication, table, *rest):
        if table.name == "school_scorecard":
            raise RuntimeError("connection lost mid-load")
        return real_load(conn, warehouse, catalog, publication, table, *rest)

    monkeypatch.setattr(postgres_target, "_load_staging_table", load_then_fail_on_scorecard)
    with pytest.raises(RuntimeError, match="mid-load"):
        _publish(pg_run, make_warehouse(2))
    with pg_run.connect() as conn:
        # enrollment_by_group was already staged with version 2's 30,000 rows, but the live
        # table still holds version 1's 20,000.
        assert conn.execute(
            f"select count(*) from {pg_run.schema('marts')}.enrollment_by_group"
        ).fetchone() == (20_000,)
    monkeypatch.undo()
    _publish(pg_run, make_warehouse(2))
    with pg_run.connect() as conn:
        assert conn.execute(
            f"select count(*) from {pg_run.schema('marts')}.enrollment_by_group"
        ).fetchone() == (30_000,)
        leftovers = conn.execute(
            "select count(*) from pg_namespace where starts_with(nspname, %s) "
            "and (nspname like '%%\\_\\_staging' or nspname like '%%\\_\\_retired')",
            [pg_run.prefix],
        ).fetchone()
    assert leftovers == (0,)


def test_a_concurrent_analyst_sees_either_the_old_or_the_new_full_table(
    pg_run, make_warehouse: Callable[[int], Path]
) -> None:
    _publish(pg_run, make_warehouse(1))
    new_warehouse = make_warehouse(2)
    table = f"{pg_run.schema('marts')}.enrollment_by_group"
    # n = i % 7 over i < 20,000: 2,857 full cycles of 0+…+6 = 21 and a last i = 19,999 with
    # n = 0, so 2,857 × 21 = 59,997. Over i < 30,000: 4,285 cycles (89,985) and i = 29,995..29,999
    # with n = 0..4 (10), so 89,995.
    old_state, new_state = (20_000, 59_997), (30_000, 89_995)
    observed: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    publish_done = threading.Event()
    first_read_done = threading.Event()

    def poll() -> None:
        deadline = time.monotonic() + 30
        try:
            with pg_run.connect() as reader:
                _as_role(reader, pg_run.analyst_role)
                while time.monotonic() < deadline:
                    is_last_poll = publish_done.is_set()
                    observed.append(
                        reader.execute(f"select count(*), sum(n) from {table}").fetchone()
                    )
                    first_read_done.set()
                    if is_last_poll:
                        return
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    reader_thread = threading.Thread(target=poll)
    reader_thread.start()
    first_read_done.wait(timeout=10)
    try:
        _publish(pg_run, new_warehouse)
    finally:
        publish_done.set()
        reader_thread.join(timeout=40)
    assert not errors, errors
    # Reads began on the old table, ended on the new one, and saw nothing in between.
    assert observed[0] == old_state
    assert observed[-1] == new_state
    assert set(observed) == {old_state, new_state}
