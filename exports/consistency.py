"""Compare two publications of the same warehouse, e.g. an incremental one with one built from
nothing. Each function returns human-readable differences (an empty list when they agree).

- DuckDB BI files: the same tables and columns (names, types, comments), and in every table the
  same rows (row count and an order-independent hash sum).
- Parquet folders: the same files holding the same rows (columns and hash sum).
- Releases: the same data files (CSV byte for byte; Parquet rows in the same order), the same
  dictionary and suppression notes, and release.json equal apart from version and dates.
- Portals: the same pages byte for byte, the home page apart from the release version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from warehouse.connection import duckdb_limits
from warehouse.sql import quote_literal

_RELEASE_LINE = re.compile(r'<span class="release">.*?</span>')


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, dict]:
    tables = {}
    for schema, name, comment in con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ?",
        [catalog],
    ).fetchall():
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where database_name = ? and schema_name = ? and table_name = ? "
            "order by column_index",
            [catalog, schema, name],
        ).fetchall()
        tables[f"{schema}.{name}"] = {"comment": comment, "columns": columns}
    return tables


def _rows_digest(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> tuple:
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(
        f"select count(*), cast(sum(hash({listed})) as varchar) from {relation}"
    ).fetchone()


def duckdb_file_differences(left: Path, right: Path) -> list[str]:
    """Differences between two DuckDB BI files (tables, columns, comments, rows)."""
    differences = []
    with duckdb.connect(config=duckdb_limits()) as con:
        con.execute(f"attach {quote_literal(str(left))} as l (read_only)")
        con.execute(f"attach {quote_literal(str(right))} as r (read_only)")
        left_tables, right_tables = _tables(con, "l"), _tables(con, "r")
        if set(left_tables) != set(right_tables):
            differences.append(
                f"tables differ: {sorted(set(left_tables) ^ set(right_tables))} in one file only"
            )
        for name in sorted(set(left_tables) & set(right_tables)):
            if left_tables[name] != right_tables[name]:
                differences.append(f"{name}: columns or comments differ")
                continue
            columns = [column for column, _, _ in left_tables[name]["columns"]]
            schema, table = name.split(".", 1)
            digests = [
                _rows_digest(con, f'{catalog}."{schema}"."{table}"', columns)
                for catalog in ("l", "r")
            ]
            if digests[0] != digests[1]:
                differences.append(f"{name}: rows differ ({digests[0]} vs {digests[1]})")
    return differences


def _parquet_rows(con: duckdb.DuckDBPyConnection, path: Path) -> tuple:
    relation = f"read_parquet({quote_literal(str(path))}, hive_partitioning = false)"
    columns = [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]
    return (columns, *_rows_digest(con, relation, columns))


def parquet_dir_differences(left: Path, right: Path) -> list[str]:
    """Differences between two Parquet folders (file names, and the rows of each file)."""
    left_files = {p.relative_to(left).as_posix() for p in left.rglob("*.parquet")}
    right_files = {p.relative_to(right).as_posix() for p in right.rglob("*.parquet")}
    differences = []
    if left_files != right_files:
        differences.append(f"files differ: {sorted(left_files ^ right_files)} in one folder only")
    with duckdb.connect(config=duckdb_limits()) as con:
        for name in sorted(left_files & right_files):
            if (left / name).read_bytes() == (right / name).read_bytes():
                continue
            if _parquet_rows(con, left / name) != _parquet_rows(con, right / name):
                differences.append(f"{name}: rows differ")
    return differences


def _ordered_rows_digest(con: duckdb.DuckDBPyConnection, path: Path) -> tuple:
    """Row count and a hash sum of (row, position): equal only for the same rows in order."""
    relation = f"read_parquet({quote_literal(str(path))})"
    return con.execute(
        "select count(*), cast(sum(hash(row, position)) as varchar) from "
        f"(select t as row, row_number() over () as position from {relation} as t)"
    ).fetchone()


def release_differences(left: Path, right: Path) -> list[str]:
    """Differences between two release folders that may differ only in version and dates."""
    differences = []
    left_files = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    right_files = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    if left_files != right_files:
        differences.append(f"files differ: {sorted(left_files ^ right_files)} in one only")
    compared_bytes = ("data_dictionary.csv", "suppression_notes.md")
    with duckdb.connect(config=duckdb_limits()) as con:
        for name in sorted(left_files & right_files):
            a, b = left / name, right / name
            is_data = name.startswith("data/")
            if not (is_data or name in compared_bytes) or a.read_bytes() == b.read_bytes():
                continue
            if not name.endswith(".parquet"):
                differences.append(f"{name}: bytes differ")
            elif _ordered_rows_digest(con, a) != _ordered_rows_digest(con, b):
                differences.append(f"{name}: rows differ")
    released = [json.loads((folder / "release.json").read_text()) for folder in (left, right)]
    for document in released:
        for key in ("version", "created_at", "previous_version"):
            document.pop(key, None)
    if released[0] != released[1]:
        differences.append("release.json differs beyond version and dates")
    return differences


def portal_differences(left: Path, right: Path) -> list[str]:
    """Differences between two portals, in every language (the home pages may differ in the
    release version)."""
    differences = []
    pages = [
        {p.relative_to(folder).as_posix() for p in folder.glob("*schools/*.html")}
        | {p.relative_to(folder).as_posix() for p in folder.glob("*/schools/*.html")}
        for folder in (left, right)
    ]
    if pages[0] != pages[1]:
        differences.append(f"pages differ: {sorted(pages[0] ^ pages[1])} in one only")
    for name in sorted(pages[0] & pages[1]):
        if (left / name).read_bytes() != (right / name).read_bytes():
            differences.append(f"{name}: bytes differ")
    for home in sorted(
        {p.relative_to(left).as_posix() for p in [left / "index.html", *left.glob("*/index.html")]}
    ):
        homes = [
            _RELEASE_LINE.sub('<span class="release"></span>', (folder / home).read_text("utf-8"))
            if (folder / home).exists()
            else None
            for folder in (left, right)
        ]
        if homes[0] != homes[1]:
            differences.append(f"{home} differs beyond the release version")
    return differences
