"""What the publisher reads from the DuckDB warehouse: the tables of a schema and their columns."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.connection import connect
from warehouse.sql import quote_identifier


@dataclass(frozen=True)
class SourceColumn:
    name: str
    duckdb_type: str


@dataclass(frozen=True)
class SourceTable:
    """One relation of the warehouse, in the order its columns were declared."""

    schema: str
    name: str
    columns: tuple[SourceColumn, ...]

    @property
    def qualified_name(self) -> str:
        """`schema.table`, the name analysts and results use (without any target prefix)."""
        return f"{self.schema}.{self.name}"

    def duckdb_reference(self, catalog: str) -> str:
        """Fully quoted `catalog.schema.table` for DuckDB SQL."""
        return ".".join(quote_identifier(part) for part in (catalog, self.schema, self.name))


class MissingSchemaError(LookupError):
    """A schema asked for is absent or empty: publishing it would wipe what analysts have."""


def open_warehouse(warehouse_path: str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, so publishing can never change it; the memory and thread
    limits (`warehouse.connection`) make a publication spill rather than compete with the rest
    of the machine for memory."""
    return connect(warehouse_path, read_only=True)


def current_catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def list_source_tables(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str
) -> list[SourceTable]:
    """Every table and view of one schema, sorted by name; raise if there are none."""
    rows = con.execute(
        """
        select c.table_name, c.column_name, c.data_type
        from information_schema.columns as c
        inner join information_schema.tables as t
            on t.table_catalog = c.table_catalog
            and t.table_schema = c.table_schema
            and t.table_name = c.table_name
        where c.table_catalog = ? and c.table_schema = ?
        order by c.table_name, c.ordinal_position
        """,
        [catalog, schema],
    ).fetchall()
    if not rows:
        raise MissingSchemaError(
            f"schema {schema!r} has no tables in the warehouse; refusing to publish an empty schema"
        )
    columns_by_table: dict[str, list[SourceColumn]] = {}
    for table_name, column_name, data_type in rows:
        columns_by_table.setdefault(table_name, []).append(SourceColumn(column_name, data_type))
    return [
        SourceTable(schema, table_name, tuple(columns))
        for table_name, columns in columns_by_table.items()
    ]
