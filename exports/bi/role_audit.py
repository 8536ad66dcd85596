"""Can the analyst role read a restricted table? Asked of PostgreSQL by what the role can do.

Checking only "is the analyst a member of the restricted role" misses most of the ways
PostgreSQL hands out read access. This module asks the server, for the analyst role and every
role it is or can become (`pg_has_role(..., 'MEMBER')`, which follows inherited and NOINHERIT
memberships alike, since a member can `SET ROLE`):

- role attributes: SUPERUSER (reads everything), BYPASSRLS (ignores row-level security);
- membership of the restricted reader role, or of `pg_read_all_data`;
- ownership of a restricted schema or of a table, view or sequence in it;
- any privilege on a restricted schema (`has_schema_privilege` USAGE or CREATE);
- SELECT on a restricted relation (`has_table_privilege`) or on any of its columns
  (`has_column_privilege`), whether granted directly, to PUBLIC or by default privileges.

Each finding is a sentence naming the role and the path, so the refusal says what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

# Every role the analyst is or can become, including itself.
_REACHABLE_ROLES = """
    select r.oid, r.rolname, r.rolsuper, r.rolbypassrls
    from pg_roles as r
    where pg_has_role(%(analyst)s, r.oid, 'MEMBER')
    order by r.rolname
"""

_SCHEMA_PATHS = """
    select n.nspname,
           pg_has_role(%(role)s, n.nspowner, 'MEMBER') as owns,
           has_schema_privilege(%(role)s, n.oid, 'USAGE') as usage,
           has_schema_privilege(%(role)s, n.oid, 'CREATE') as can_create
    from pg_namespace as n
    where n.nspname = any(%(schemas)s)
    order by n.nspname
"""

_RELATION_PATHS = """
    select n.nspname || '.' || c.relname as relation,
           pg_has_role(%(role)s, c.relowner, 'MEMBER') as owns,
           has_table_privilege(%(role)s, c.oid, 'SELECT') as can_select,
           (
               select array_agg(a.attname::text order by a.attnum)
               from pg_attribute as a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and has_column_privilege(%(role)s, c.oid, a.attnum, 'SELECT')
           ) as readable_columns
    from pg_class as c
    join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
    order by relation
"""


class UnsafeRoleSetupError(RuntimeError):
    """The analyst role could read student-level data; the message names every path found."""


def restricted_read_paths(
    conn: psycopg.Connection,
    analyst_role: str,
    restricted_role: str,
    restricted_schemas: Sequence[str],
) -> list[str]:
    """Every way `analyst_role` could read the restricted schemas, one sentence each; [] if none."""
    paths: list[str] = []
    reachable = conn.execute(_REACHABLE_ROLES, {"analyst": analyst_role}).fetchall()
    for _oid, role, is_superuser, bypasses_rls in reachable:
        via = _via(role, analyst_role)
        if is_superuser:
            paths.append(f"{via} is a superuser")
        if bypasses_rls:
            paths.append(f"{via} has BYPASSRLS")
        if role == restricted_role:
            paths.append(f"{analyst_role!r} is a member of the restricted role {restricted_role!r}")
        if role == "pg_read_all_data":
            paths.append(f"{analyst_role!r} is a member of pg_read_all_data")
    for _oid, role, is_superuser, _bypasses_rls in reachable:
        if is_superuser or role in (restricted_role, "pg_read_all_data"):
            continue  # already named above; every privilege below would follow from it
        paths.extend(_object_paths(conn, role, _via(role, analyst_role), restricted_schemas))
    return paths


def refuse_unsafe_analyst_role(
    conn: psycopg.Connection,
    analyst_role: str,
    restricted_role: str,
    restricted_schemas: Sequence[str],
) -> None:
    """Raise `UnsafeRoleSetupError` naming each path if the analyst could read restricted data."""
    paths = restricted_read_paths(conn, analyst_role, restricted_role, restricted_schemas)
    if paths:
        raise UnsafeRoleSetupError(
            f"role {analyst_role!r} could read student-level tables "
            f"({', '.join(restricted_schemas)}): "
            + "; ".join(paths)
            + "; fix the role before publishing"
        )


def _via(role: str, analyst_role: str) -> str:
    if role == analyst_role:
        return f"{analyst_role!r}"
    return f"{analyst_role!r} through its membership of {role!r},"


def _object_paths(
    conn: psycopg.Connection, role: str, via: str, restricted_schemas: Sequence[str]
) -> list[str]:
    params = {"role": role, "schemas": list(restricted_schemas)}
    paths: list[str] = []
    for schema, owns, usage, can_create in conn.execute(_SCHEMA_PATHS, params).fetchall():
        if owns:
            paths.append(f"{via} owns schema {schema}")
            continue
        granted = [name for name, held in (("USAGE", usage), ("CREATE", can_create)) if held]
        if granted:
            paths.append(f"{via} holds {' and '.join(granted)} on schema {schema}")
    for relation, owns, can_select, columns in conn.execute(_RELATION_PATHS, params).fetchall():
        if owns:
            paths.append(f"{via} owns {relation}")
        elif can_select:
            paths.append(f"{via} can SELECT {relation}")
        elif columns:
            paths.append(f"{via} can SELECT columns {', '.join(columns)} of {relation}")
    return paths
