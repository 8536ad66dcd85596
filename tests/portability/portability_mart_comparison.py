"""Mart contents from two warehouses, compared row for row.

"Builds on PostgreSQL and Spark" is only worth something if it also means "the same numbers":
every table of schemas marts and restricted is read from both warehouses and compared as a
multiset of rows over the same columns. Text, dates, booleans and whole numbers must be equal
(2 and 2.0 are); floating-point and decimal columns (by their DuckDB type) must agree within a
tolerance the caller gives, because engines sum in different orders and Spark divides DECIMALs
to six decimal places. Row order never matters: rows are paired by their exact columns, and
rows that share those are paired in the order of their approximate values.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COMPARED_SCHEMAS = ("marts", "restricted")
APPROXIMATE_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


@dataclass(frozen=True)
class TableRows:
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass(frozen=True)
class Tolerance:
    relative: float
    absolute: float

    def close(self, left: float | None, right: float | None) -> bool:
        if left is None or right is None:
            return left is right
        return math.isclose(left, right, rel_tol=self.relative, abs_tol=self.absolute)


def normalise_value(value: object) -> object:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value) + 0.0  # 2 == 2.0; + 0.0 turns -0.0 into 0.0
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def normalised(columns: Sequence[str], rows: Iterable[Sequence]) -> TableRows:
    """Rows with columns in name order and every value normalised."""
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    return TableRows(
        tuple(columns[i] for i in order),
        [tuple(normalise_value(row[i]) for i in order) for row in rows],
    )


def _split(rows: list[tuple], approximate: list[bool]) -> dict[tuple, list[tuple]]:
    """Rows grouped by their exact columns; each group's approximate parts, sorted."""
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        exact = tuple(v for v, approx in zip(row, approximate, strict=True) if not approx)
        groups[exact].append(tuple(v for v, a in zip(row, approximate, strict=True) if a))
    for values in groups.values():
        values.sort(key=lambda t: tuple((v is not None, v if v is not None else 0.0) for v in t))
    return groups


def table_differences(
    name: str,
    reference: TableRows,
    other: TableRows,
    approximate_columns: set[str],
    tolerance: Tolerance,
    engine: str,
) -> list[str]:
    """Lines describing how `other` differs from `reference`; empty when they agree."""
    if reference.columns != other.columns:
        missing = sorted(set(reference.columns) - set(other.columns))
        extra = sorted(set(other.columns) - set(reference.columns))
        return [f"{name}: columns differ on {engine} (missing {missing}, extra {extra})"]
    approximate = [column in approximate_columns for column in reference.columns]
    expected, actual = _split(reference.rows, approximate), _split(other.rows, approximate)
    problems = []
    for exact in sorted(set(expected) | set(actual), key=repr):
        left, right = expected.get(exact, []), actual.get(exact, [])
        if len(left) != len(right):
            problems.append(f"{exact}: {len(left)} rows on DuckDB, {len(right)} on {engine}")
            continue
        for left_values, right_values in zip(left, right, strict=True):
            if not all(map(tolerance.close, left_values, right_values)):
                problems.append(f"{exact}: DuckDB {left_values}, {engine} {right_values}")
    if not problems:
        return []
    exact_columns = [c for c, a in zip(reference.columns, approximate, strict=True) if not a]
    approximate_names = [c for c, a in zip(reference.columns, approximate, strict=True) if a]
    header = (
        f"{name}: {len(problems)} differences ({len(reference.rows)} rows on DuckDB, "
        f"{len(other.rows)} on {engine}); exact columns {exact_columns}, "
        f"approximate {approximate_names}"
    )
    return [header] + [f"    {line}" for line in problems[:5]]


def duckdb_tables(con, schemas: Sequence[str] = COMPARED_SCHEMAS) -> dict[str, TableRows]:
    """`schema.table` -> normalised rows of every base table of `schemas` in a DuckDB database."""
    names = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
        "order by 1, 2",
        [list(schemas)],
    ).fetchall()
    tables = {}
    for schema, table in names:
        cursor = con.execute(f'select * from "{schema}"."{table}"')
        columns = [description[0] for description in cursor.description]
        tables[f"{schema}.{table}"] = normalised(columns, cursor.fetchall())
    return tables


def postgres_tables(conn, schema_prefix: str, names: Iterable[str]) -> dict[str, TableRows]:
    """The same `schema.table` names read from PostgreSQL under `schema_prefix`."""
    from psycopg import sql

    tables = {}
    for name in names:
        schema, table = name.split(".")
        cursor = conn.execute(
            sql.SQL("select * from {}").format(sql.Identifier(schema_prefix + schema, table))
        )
        columns = [description.name for description in cursor.description]
        tables[name] = normalised(columns, cursor.fetchall())
    return tables


def approximate_columns(con, schemas: Sequence[str] = COMPARED_SCHEMAS) -> dict[str, set[str]]:
    """`schema.table` -> its floating-point and decimal columns, from DuckDB's catalog."""
    columns: dict[str, set[str]] = defaultdict(set)
    for schema, table, column, data_type in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema in (select unnest(?))",
        [list(schemas)],
    ).fetchall():
        if data_type.upper().startswith(APPROXIMATE_TYPES):
            columns[f"{schema}.{table}"].add(column)
    return columns


def compare_all(
    reference: dict[str, TableRows],
    other: dict[str, TableRows],
    approximate: dict[str, set[str]],
    tolerance: Tolerance,
    engine: str,
) -> list[str]:
    """Differences over every reference table; a table missing on `engine` is one too."""
    lines = []
    for name, rows in sorted(reference.items()):
        if name not in other:
            lines.append(f"{name}: not built on {engine}")
            continue
        lines += table_differences(
            name, rows, other[name], approximate.get(name, set()), tolerance, engine
        )
    return lines


def reference_tables(warehouse_path) -> tuple[dict[str, TableRows], dict[str, set[str]]]:
    """The DuckDB build's compared tables and their approximate columns."""
    import duckdb

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return duckdb_tables(con), approximate_columns(con)
    finally:
        con.close()
