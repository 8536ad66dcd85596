"""Small helpers for writing SQL text safely: identifiers and literals."""

from __future__ import annotations


def quote_identifier(name: str) -> str:
    """A column or table name as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A Python string as a single-quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
