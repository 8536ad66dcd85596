"""Which rows of a raw table the contract suite must validate: those not validated yet.

A nightly drop replaces one school year's files; validating the four unchanged years again
costs minutes at Los Angeles size and finds nothing new. Every raw row carries the `_loaded_at`
of the load that wrote it, and `raw._checked_through` records, per table, the newest load
whose rows passed the blocking checks. The rows still to validate are those loaded after it:

| state of the table                                  | scope                              |
|-----------------------------------------------------|------------------------------------|
| never passed, or replaced whole since it last passed | `whole`: the table                 |
| rows added by file or key since it last passed      | `new_rows`: a view of those rows   |
| nothing loaded since it last passed                 | `nothing_new`: no validation       |

A check that fails leaves `_checked_through` where it was, so the failing rows stay in scope
on the next run even when their file is not reloaded: a bad row can never pass by being old.

What a `new_rows` scope cannot see: a key duplicated between new and older rows when the key
does not separate school years, and a parent row deleted under an unchanged child. The whole
load of a full refresh (`full_refresh` job) validates every row, which is why a deployment
running nightly current-year refreshes keeps a weekly full refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import duckdb

from ingestion.common.warehouse import RAW_SCHEMA
from warehouse.sql import quote_identifier

SCOPE_SCHEMA = "quality_scope"
"""Views of the rows still to validate; GX reads them as table assets (no `select *`)."""

ScopeKind = Literal["whole", "new_rows", "nothing_new"]

CHECKED_THROUGH_DDL = f"""
create table if not exists {RAW_SCHEMA}._checked_through (
    source varchar,
    table_name varchar,
    loaded_at timestamptz
)
"""


@dataclass(frozen=True)
class CheckScope:
    """The rows of one raw table a run validates, and the load time they reach to."""

    source: str
    table_name: str
    kind: ScopeKind
    since: datetime | None
    through: datetime | None

    @property
    def raw_table(self) -> str:
        return f"{self.source}__{self.table_name}"

    @property
    def validated_relation(self) -> tuple[str, str]:
        """(schema, table) the suite runs on."""
        schema = SCOPE_SCHEMA if self.kind == "new_rows" else RAW_SCHEMA
        return schema, self.raw_table


def scope_for(con: duckdb.DuckDBPyConnection, source: str, table_name: str) -> CheckScope:
    """Decide the scope from `raw._load_audit` and `raw._checked_through`."""
    con.execute(CHECKED_THROUGH_DDL)
    checked = con.execute(
        f"select max(loaded_at) from {RAW_SCHEMA}._checked_through "
        "where source = ? and table_name = ?",
        [source, table_name],
    ).fetchone()[0]
    newest_whole, newest_rows, newest_any = con.execute(
        f"""
        select
            max(loaded_at) filter (where coalesce(write_mode, 'replace') = 'replace'),
            max(loaded_at) filter (where write_mode in ('files', 'merge') and rows_read > 0),
            max(loaded_at)
        from {RAW_SCHEMA}._load_audit
        where source = ? and table_name = ?
        """,
        [source, table_name],
    ).fetchone()
    if checked is None or (newest_whole is not None and newest_whole > checked):
        kind: ScopeKind = "whole"
    elif newest_rows is not None and newest_rows > checked:
        kind = "new_rows"
    else:
        kind = "nothing_new"
    return CheckScope(source, table_name, kind, checked, newest_any)


def create_scope_view(con: duckdb.DuckDBPyConnection, scope: CheckScope) -> None:
    """The view of a `new_rows` scope: rows loaded after the table last passed."""
    schema, table = scope.validated_relation
    con.execute(f"create schema if not exists {SCOPE_SCHEMA}")
    con.execute(
        f"create or replace view {schema}.{quote_identifier(table)} as "
        f"select * from {RAW_SCHEMA}.{quote_identifier(scope.raw_table)} "
        f"where _loaded_at > cast('{scope.since.isoformat()}' as timestamptz)"
    )


def drop_scope_views(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop schema if exists {SCOPE_SCHEMA} cascade")


def mark_checked(con: duckdb.DuckDBPyConnection, scope: CheckScope) -> None:
    """Record that every row loaded up to `scope.through` has passed the blocking checks."""
    if scope.through is None:
        return
    con.execute(CHECKED_THROUGH_DDL)
    con.execute(
        f"delete from {RAW_SCHEMA}._checked_through where source = ? and table_name = ?",
        [scope.source, scope.table_name],
    )
    con.execute(
        f"insert into {RAW_SCHEMA}._checked_through values (?, ?, ?)",
        [scope.source, scope.table_name, scope.through],
    )
