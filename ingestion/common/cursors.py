"""Incremental cursors kept in the warehouse itself: `raw._source_cursors`.

An incremental source (the tutoring API's `updated_since`, the HR database's
`last_modified_at`) pulls only what changed since its cursor. The cursor lives in the same
DuckDB file as the raw tables and is written inside the load's own transaction (the typed
loader's `before_commit` step), so it moves forward exactly when the rows it covers are
committed: a failed or interrupted load leaves it where it was and the next run pulls again.

The cursor value is the newest change timestamp *seen in the pulled rows* (the source's own
clock, never this machine's), stored as ISO 8601 text in UTC. Pulls ask for changes at or after
it, so rows sharing the boundary instant are pulled again and merged by key rather than missed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from ingestion.common.typed_load import cast_expression
from ingestion.common.warehouse import RAW_SCHEMA
from warehouse.sql import quote_identifier

CURSORS_TABLE = f"{RAW_SCHEMA}._source_cursors"
CURSORS_DDL = f"""
create table if not exists {CURSORS_TABLE} (
    source varchar,
    table_name varchar,
    cursor_value timestamptz,
    advanced_at timestamptz,
    primary key (source, table_name)
)
"""


def read_cursor(con: duckdb.DuckDBPyConnection, source: str, table_name: str) -> datetime | None:
    """The stored cursor of one source table, or None before its first successful load."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(CURSORS_DDL)
    row = con.execute(
        f"select cursor_value from {CURSORS_TABLE} where source = ? and table_name = ?",
        [source, table_name],
    ).fetchone()
    return None if row is None or row[0] is None else row[0].astimezone(UTC)


def cursor_text(value: datetime) -> str:
    """A cursor as the ISO 8601 UTC text sent to a source (`2025-07-01T09:30:00Z`)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def advance_cursor_from(source: str, table_name: str, column: str):
    """A `before_commit` step that moves the cursor to max(`column`) of the staged rows.

    The column is read as the loader reads it (text cast to TIMESTAMPTZ); rows whose value does
    not cast are ignored. The cursor never moves backwards, and a pull with no rows leaves it.
    """

    def advance(con: duckdb.DuckDBPyConnection, staged_view: str) -> None:
        value = f"nullif(cast({quote_identifier(column)} as varchar), '')"
        con.execute(CURSORS_DDL)
        con.execute(
            f"""
            insert into {CURSORS_TABLE}
            select ?, ?, newest, now()
            from (select max({cast_expression(value, "TIMESTAMPTZ")}) as newest
                  from {staged_view})
            where newest is not null
            on conflict (source, table_name) do update set
                cursor_value = greatest(cursor_value, excluded.cursor_value),
                advanced_at = excluded.advanced_at
            """,
            [source, table_name],
        )

    return advance
