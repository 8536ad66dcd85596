"""Writing SQL text safely: names as quoted identifiers and values as quoted literals.

The standard SQL rules, which DuckDB and PostgreSQL share: a quote inside is doubled. Use them
only where a query parameter cannot go (names, DDL, a literal inside generated SQL).
"""

from __future__ import annotations


def quote_identifier(name: str) -> str:
    """A column or table name as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    """A value's text as a single-quoted SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"
