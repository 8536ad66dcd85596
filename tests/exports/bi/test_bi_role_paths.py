"""Every way PostgreSQL could let the analyst read restricted tables is refused, by name.

Each case first publishes cleanly, then opens one path on the local PostgreSQL (the DBA's
mistake), proves the analyst really can read (or is entitled to read) student rows through it,
and then expects the next publish to refuse with a message naming that path. Roles and schemas
are unique to the test (`pg_run`) and dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql

from exports.bi import publish_marts
from exports.bi.role_audit import UnsafeRoleSetupError, restricted_read_paths


@dataclass(frozen=True)
class RolePath:
    """One misconfiguration: SQL opening it, the refusal it must cause, how to read through it."""

    setup: tuple[str, ...]
    refusal: str
    read_as: str | None  # the role to SET ROLE to before reading; None: not readable alone
    read: str = "select count(*) from {restricted}.dim_students"


ROLE_PATHS = {
    "superuser": RolePath(
        ("alter role {analyst} superuser",), "{analyst_q} is a superuser", "{analyst}"
    ),
    "bypassrls": RolePath(("alter role {analyst} bypassrls",), "{analyst_q} has BYPASSRLS", None),
    "member_of_restricted_role": RolePath(
        ("grant {restricted_role} to {analyst}",),
        "{analyst_q} is a member of the restricted role",
        "{analyst}",
    ),
    "pg_read_all_data": RolePath(
        ("grant pg_read_all_data to {analyst}",),
        "{analyst_q} is a member of pg_read_all_data",
        "{analyst}",
    ),
    "direct_grant_on_schema_and_table": RolePath(
        (
            "grant usage on schema {restricted} to {analyst}",
            "grant select on {restricted}.dim_students to {analyst}",
        ),
        "{analyst_q} can SELECT {restricted}.dim_students",
        "{analyst}",
    ),
    "schema_usage_alone": RolePath(
        ("grant usage on schema {restricted} to {analyst}",),
        "{analyst_q} holds USAGE on schema {restricted}",
        None,
    ),
    "column_grant": RolePath(
        (
            "grant usage on schema {restricted} to {analyst}",
            "grant select (student_id, birth_date) on {restricted}.dim_students to {analyst}",
        ),
        "{analyst_q} can SELECT columns student_id, birth_date of {restricted}.dim_students",
        "{analyst}",
        "select student_id, birth_date from {restricted}.dim_students",
    ),
    "grant_to_public": RolePath(
        (
            "grant usage on schema {restricted} to public",
            "grant select on {restricted}.fct_student_early_warning to public",
        ),
        "{analyst_q} can SELECT {restricted}.fct_student_early_warning",
        "{analyst}",
        "select count(*) from {restricted}.fct_student_early_warning",
    ),
    "inherited_role": RolePath(
        (
            "create role {middle} nologin",
            "grant usage on schema {restricted} to {middle}",
            "grant select on {restricted}.dim_students to {middle}",
            "grant {middle} to {analyst}",
        ),
        "{analyst_q} through its membership of {middle_q}, can SELECT {restricted}.dim_students",
        "{analyst}",
    ),
    "noinherit_role_reached_by_set_role": RolePath(
        (
            "create role {middle} nologin",
            "grant usage on schema {restricted} to {middle}",
            "grant select on {restricted}.dim_students to {middle}",
            "alter role {analyst} noinherit",
            "grant {middle} to {analyst}",
        ),
        "{analyst_q} through its membership of {middle_q}, can SELECT {restricted}.dim_students",
        "{middle}",
    ),
    "member_of_a_superuser_role": RolePath(
        ("create role {middle} nologin superuser", "grant {middle} to {analyst}"),
        "{analyst_q} through its membership of {middle_q}, is a superuser",
        "{middle}",
    ),
    "owns_restricted_table": RolePath(
        (
            "grant usage on schema {restricted} to {analyst}",
            "alter table {restricted}.dim_students owner to {analyst}",
        ),
        "{analyst_q} owns {restricted}.dim_students",
        "{analyst}",
    ),
    "owns_restricted_schema": RolePath(
        ("alter schema {restricted} owner to {analyst}",),
        "{analyst_q} owns schema {restricted}",
        None,
    ),
}


@pytest.fixture
def middle_role(pg_run) -> Iterator[str]:
    """A third role for the inherited paths; it and whatever the test granted go afterwards."""
    name = f"bi_test_{uuid.uuid4().hex[:8]}_middle"
    yield name
    with pg_run.connect() as conn:
        exists = conn.execute("select 1 from pg_roles where rolname = %s", [name]).fetchone()
        roles = [pg_run.analyst_role] + ([name] if exists else [])
        conn.execute(
            sql.SQL("drop owned by {} cascade").format(
                sql.SQL(", ").join(map(sql.Identifier, roles))
            )
        )
        conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def _publish(run, warehouse: Path):
    return publish_marts(
        warehouse,
        run.url,
        schema_prefix=run.prefix,
        analyst_role=run.analyst_role,
        restricted_role=run.restricted_role,
    )


def _names(pg_run, middle: str) -> dict[str, str]:
    return {
        "analyst": pg_run.analyst_role,
        "analyst_q": repr(pg_run.analyst_role),
        "restricted_role": pg_run.restricted_role,
        "restricted": pg_run.schema("restricted"),
        "middle": middle,
        "middle_q": repr(middle),
    }


@pytest.mark.parametrize("path_name", sorted(ROLE_PATHS))
def test_each_path_to_restricted_tables_is_refused_by_name(
    pg_run, middle_role: str, warehouse_path: Path, path_name: str
) -> None:
    path = ROLE_PATHS[path_name]
    names = _names(pg_run, middle_role)
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        for statement in path.setup:
            conn.execute(statement.format(**names))
        if path.read_as is not None:
            # The path is real: the analyst's session reads student rows through it.
            conn.execute(sql.SQL("set role {}").format(sql.Identifier(pg_run.analyst_role)))
            if path.read_as != "{analyst}":
                conn.execute(sql.SQL("set role {}").format(sql.Identifier(middle_role)))
            assert conn.execute(path.read.format(**names)).fetchall()
            conn.execute("reset role")
    with pytest.raises(UnsafeRoleSetupError) as refusal:
        _publish(pg_run, warehouse_path)
    assert path.refusal.format(**names) in str(refusal.value)


def test_a_clean_setup_has_no_path(pg_run, middle_role: str, warehouse_path: Path) -> None:
    _publish(pg_run, warehouse_path)
    with pg_run.connect() as conn:
        paths = restricted_read_paths(
            conn, pg_run.analyst_role, pg_run.restricted_role, [pg_run.schema("restricted")]
        )
    assert paths == []


def test_default_privileges_granted_mid_publish_are_caught_before_the_swap_commits(
    pg_run, middle_role: str, warehouse_path: Path
) -> None:
    """Default privileges hand the analyst the new tables as they are created; the check inside
    the swap transaction sees them and rolls the swap back, leaving the old tables live."""
    _publish(pg_run, warehouse_path)
    restricted = pg_run.schema("restricted")
    with pg_run.connect() as conn:
        old_oid = conn.execute(
            "select %s::regclass::oid", [f"{restricted}.dim_students"]
        ).fetchone()
        conn.execute(
            sql.SQL("alter default privileges grant select on tables to {}").format(
                sql.Identifier(pg_run.analyst_role)
            )
        )
    try:
        with pytest.raises(UnsafeRoleSetupError, match=f"can SELECT {restricted}.dim_students"):
            _publish(pg_run, warehouse_path)
    finally:
        with pg_run.connect() as conn:
            conn.execute(
                sql.SQL("alter default privileges revoke select on tables from {}").format(
                    sql.Identifier(pg_run.analyst_role)
                )
            )
    with pg_run.connect() as conn:
        live_oid = conn.execute(
            "select %s::regclass::oid", [f"{restricted}.dim_students"]
        ).fetchone()
        staging_left = conn.execute(
            "select count(*) from pg_namespace where nspname = %s", [restricted + "__staging"]
        ).fetchone()
    assert live_oid == old_oid
    assert staging_left == (1,)  # the refused load stays staged; the next publish replaces it
