"""A SQLAlchemy dialect for DuckDB whose cursors read each result in full when it is executed.

Great Expectations executes a query, returns the connection to the pool and only then reads the
rows. duckdb-engine's cursors share the DuckDB connection, and DuckDB 2.0 discards a pending
result as soon as anything else runs on that connection (the rollback SQLAlchemy issues when the
connection is returned), so GX would read no rows. Buffering at execute time costs nothing here:
every query GX sends computes aggregates or a handful of example rows inside DuckDB.

Registered as `duckdb+buffered://`; use `warehouse_url(path)` to build a URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb_engine
from sqlalchemy import text
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import registry
from sqlalchemy.pool import StaticPool

from warehouse.connection import duckdb_limits


class BufferedCursor:
    """A DB-API cursor whose result rows are fetched once, right after execute."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._rows: list = []
        self._position = 0
        self.description = None

    def execute(self, statement: str, parameters: Any = None, context: Any = None) -> None:
        self._inner.execute(statement, parameters, context)
        self.description = self._inner.description
        self._rows = self._inner.fetchall() if self.description else []
        self._position = 0

    def executemany(self, statement: str, parameters: Any = None, context: Any = None) -> None:
        self._inner.executemany(statement, parameters, context)
        self.description, self._rows, self._position = None, [], 0

    @property
    def rowcount(self) -> int:
        return len(self._rows) if self.description else -1

    def fetchone(self):
        if self._position >= len(self._rows):
            return None
        self._position += 1
        return self._rows[self._position - 1]

    def fetchmany(self, size: int | None = None) -> list:
        size = size or 1
        chunk = self._rows[self._position : self._position + size]
        self._position += len(chunk)
        return chunk

    def fetchall(self) -> list:
        rest = self._rows[self._position :]
        self._position = len(self._rows)
        return rest

    def close(self) -> None:
        self._rows = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class BufferedConnection(duckdb_engine.ConnectionWrapper):
    def cursor(self) -> BufferedCursor:
        return BufferedCursor(super().cursor())


class BufferedDuckDBDialect(duckdb_engine.Dialect):
    driver = "buffered"
    supports_statement_cache = False

    def get_columns(self, connection, table_name, schema=None, **kw):
        """Columns from DuckDB's information_schema.

        duckdb-engine reflects through PostgreSQL catalog tables that DuckDB 2.0 no longer has;
        without working reflection GX falls back to running the whole table query to learn the
        column names, which would read every row of a 40-million-row table.
        """
        rows = connection.execute(
            text(
                "select column_name, data_type, is_nullable from information_schema.columns "
                "where table_schema = :schema and table_name = :table order by ordinal_position"
            ),
            {"schema": schema or "main", "table": table_name},
        ).fetchall()
        return [
            {
                "name": name,
                "type": _column_type(self, data_type),
                "nullable": nullable == "YES",
                "default": None,
            }
            for name, data_type, nullable in rows
        ]

    def has_table(self, connection, table_name, schema=None, **kw):
        return bool(
            connection.execute(
                text(
                    "select count(*) from information_schema.tables "
                    "where table_schema = :schema and table_name = :table"
                ),
                {"schema": schema or "main", "table": table_name},
            ).scalar()
        )

    @classmethod
    def get_pool_class(cls, url):
        """One DuckDB connection per engine, kept open until the engine is disposed.

        GX checks a connection out for every metric query; opening the warehouse file each time
        (reading its catalogue) cost more than the queries themselves. The runner disposes the
        engine when a check step ends (`quality.runner.close_runner`), which closes the file, so
        dbt can write it next from another process.
        """
        return StaticPool

    def connect(self, *cargs: Any, **cparams: Any) -> BufferedConnection:
        wrapper = super().connect(*cargs, **cparams)
        return BufferedConnection(wrapper._ConnectionWrapper__c)


def _column_type(dialect, data_type: str):
    """The SQLAlchemy type for a DuckDB type name (`TIMESTAMP WITH TIME ZONE`, `DECIMAL(9,2)`)."""
    name = data_type.lower().split("(")[0].strip()
    if name == "timestamp with time zone":
        return sqltypes.DateTime(timezone=True)
    type_class = dialect.ischema_names.get(name, sqltypes.NullType)
    return type_class()


registry.register("duckdb.buffered", __name__, "BufferedDuckDBDialect")


def warehouse_url(path: Path | str, read_only: bool = True) -> str:
    """SQLAlchemy URL of the warehouse file for the buffered dialect, with the memory and
    thread limits every warehouse connection gets (`warehouse.connection`; duckdb_engine passes
    the URL's query to DuckDB as configuration). Insertion order stays DuckDB's default, so the
    example rows a failed rule reads come back as they did before the limits."""
    query = {**({"access_mode": "read_only"} if read_only else {}), **duckdb_limits()}
    return f"duckdb+buffered:///{Path(path).resolve()}?{urlencode(query)}"
