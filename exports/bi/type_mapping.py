"""DuckDB column types translated for a PostgreSQL target.

Rows travel from DuckDB to PostgreSQL as CSV produced by Arrow, so each column needs two things:
the PostgreSQL type to declare, and the DuckDB expression that puts the value into a shape both
Arrow's CSV writer and PostgreSQL's COPY parse the same way. Most scalar types travel as they are;
the rest are rendered as text by DuckDB first (intervals, UUIDs, times), nested types become JSON,
and BLOBs become PostgreSQL's hex bytea literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warehouse.sql import quote_identifier

_SCALAR_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "UTINYINT": "smallint",
    "SMALLINT": "smallint",
    "USMALLINT": "integer",
    "INTEGER": "integer",
    "UINTEGER": "bigint",
    "BIGINT": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(38,0)",
    "UHUGEINT": "numeric(39,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}

# Types Arrow cannot write as CSV (or writes in a form PostgreSQL reads differently): DuckDB
# renders them as text, which PostgreSQL parses into the declared type.
_TEXT_RENDERED_TYPES = {
    "TIME": "time",
    "TIME WITH TIME ZONE": "timetz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "JSON": "jsonb",
    "BIGNUM": "numeric",
    "VARINT": "numeric",
    "BIT": "text",
}

_TIMESTAMP_PRECISIONS = {"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")
_NESTED = re.compile(r"(\[\d*\]$)|^(STRUCT|MAP|UNION)\(")


@dataclass(frozen=True)
class PostgresColumn:
    """How one DuckDB column is declared in PostgreSQL and selected for transport."""

    name: str
    postgres_type: str
    transport_expression: str


def postgres_column_for(name: str, duckdb_type: str) -> PostgresColumn:
    """Map one DuckDB column (as `information_schema.columns.data_type` spells its type)."""
    column = quote_identifier(name)
    duckdb_type = duckdb_type.strip().upper()
    if duckdb_type in _SCALAR_TYPES:
        return PostgresColumn(name, _SCALAR_TYPES[duckdb_type], column)
    decimal = _DECIMAL.match(duckdb_type)
    if decimal:
        precision, scale = decimal.groups()
        return PostgresColumn(name, f"numeric({precision},{scale})", column)
    if duckdb_type in _TIMESTAMP_PRECISIONS:
        return PostgresColumn(name, "timestamp", f"cast({column} as timestamp)")
    if duckdb_type in _TEXT_RENDERED_TYPES:
        return PostgresColumn(name, _TEXT_RENDERED_TYPES[duckdb_type], f"cast({column} as varchar)")
    if duckdb_type == "BLOB":
        return PostgresColumn(name, "bytea", f"'\\x' || hex({column})")
    if _NESTED.search(duckdb_type):
        return PostgresColumn(name, "jsonb", f"cast(to_json({column}) as varchar)")
    # ENUM(...) and anything newer than this table: text keeps every value readable.
    return PostgresColumn(name, "text", f"cast({column} as varchar)")
