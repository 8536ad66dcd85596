"""`python -m bench.year_fingerprints`: prove two builds hold the same rows, school year by year.

A current-year dbt run must leave the past years of every incremental model exactly as they
were and recompute the current year exactly as a full build does. This fingerprints every table
of the given schemas (default `marts` and `restricted`) per school year: a row count and an
order-independent hash of the rows, with floating-point columns rounded to nine decimal places
(eleven significant digits for values above 100) first: a sum over another row order, or
another thread count, differs in the last bits.
A table without a `school_year` column is fingerprinted whole, under the year `*`.

    python -m bench.year_fingerprints WAREHOUSE --out full.json
    python -m bench.year_fingerprints WAREHOUSE --out nightly.json
    python -m bench.year_fingerprints --compare full.json nightly.json [--years 2026-27]

`--compare` prints every (table, year) whose fingerprint differs or is missing on one side and
exits 1 if any does; `--years` limits the comparison to those years.

Rounding cannot hide every difference in the last bits (a value a hair either side of a
rounding boundary), so where fingerprints differ, compare the rows themselves:

    python -m bench.year_fingerprints --rows LEFT.duckdb RIGHT.duckdb --tables marts.x,… \
        [--years 2026-27]

matches each row of one warehouse to a row of the other on every column that is not floating
point, with floating-point columns equal within 1e-9 (relative above 1), both ways, and prints
the rows left without a match.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

DECIMALS = 9
SIGNIFICANT_DIGITS = 11
FLOATING_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def _column_expression(name: str, data_type: str) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    if data_type.upper() in FLOATING_TYPES:
        # DECIMALS places, or SIGNIFICANT_DIGITS digits for large values; 0, NULL, inf as they are
        return (
            f"case when {quoted} is null or {quoted} = 0 or not isfinite({quoted}) then {quoted} "
            f"else round({quoted}, least({DECIMALS}, {SIGNIFICANT_DIGITS - 1} "
            f"- cast(floor(log10(abs({quoted}))) as integer))) + 0.0 end"
        )
    return quoted


def fingerprint(warehouse: Path, schemas: tuple[str, ...] = ("marts", "restricted")) -> dict:
    """{"schema.table": {school_year: [rows, hash]}} for every table of `schemas`."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in "
            f"({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        prints: dict[str, dict[str, list]] = {}
        for schema, table in tables:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            hashed = ", ".join(_column_expression(name, kind) for name, kind in columns)
            by_year = "school_year" in {name for name, _ in columns}
            year = "cast(school_year as varchar)" if by_year else "'*'"
            rows = con.execute(
                f"select {year} as year, count(*), cast(sum(hash({hashed})) as varchar) "
                f'from "{schema}"."{table}" group by 1'
            ).fetchall()
            prints[f"{schema}.{table}"] = {str(y): [n, digest] for y, n, digest in rows}
        return prints
    finally:
        con.close()


def compare(left: dict, right: dict, years: set[str] | None = None) -> list[str]:
    """Lines naming every (table, year) whose fingerprint differs between `left` and `right`."""
    differences = []
    for table in sorted(set(left) | set(right)):
        left_years, right_years = left.get(table, {}), right.get(table, {})
        for year in sorted(set(left_years) | set(right_years)):
            if years and year not in years:
                continue
            if left_years.get(year) != right_years.get(year):
                differences.append(
                    f"{table} {year}: {left_years.get(year)} != {right_years.get(year)}"
                )
    return differences


def unmatched_rows(
    left: Path, right: Path, table: str, years: set[str] | None = None, tolerance: float = 1e-9
) -> list[tuple]:
    """Rows of `table` in one warehouse with no row of the other equal to them (doubles within
    `tolerance`, relative above 1), as ('left' | 'right', row…) tuples."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        schema, name = table.split(".")
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = "
            "'left_db' and schema_name = ? and table_name = ? order by column_index",
            [schema, name],
        ).fetchall()
        conditions = []
        for column, kind in columns:
            quoted = '"' + column.replace('"', '""') + '"'
            if kind.upper() in FLOATING_TYPES:
                conditions.append(
                    f"(this.{quoted} is null and other.{quoted} is null or abs(this.{quoted} - "
                    f"other.{quoted}) <= {tolerance} * greatest(1, abs(this.{quoted})))"
                )
            else:
                conditions.append(f"this.{quoted} is not distinct from other.{quoted}")
        scope = ""
        if years and "school_year" in {column for column, _ in columns}:
            listed = ", ".join("'" + year.replace("'", "''") + "'" for year in sorted(years))
            scope = f"where this.school_year in ({listed})"
        found = []
        for side, this, other in (
            ("left", "left_db", "right_db"),
            ("right", "right_db", "left_db"),
        ):
            found += con.execute(
                f"select '{side}', this.* from {this}.{table} as this {scope or 'where true'} "
                f"and not exists (select 1 from {other}.{table} as other "
                f"where {' and '.join(conditions)}) limit 20"
            ).fetchall()
        return found
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.year_fingerprints")
    parser.add_argument("warehouse", nargs="?", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--schemas", default="marts,restricted")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("LEFT", "RIGHT"))
    parser.add_argument("--years", default="", help="comma-separated school years to compare")
    parser.add_argument("--rows", nargs=2, type=Path, metavar=("LEFT", "RIGHT"))
    parser.add_argument("--tables", default="", help="comma-separated schema.table for --rows")
    args = parser.parse_args(argv)
    if args.rows:
        years = {year.strip() for year in args.years.split(",") if year.strip()} or None
        total = 0
        for table in (name.strip() for name in args.tables.split(",") if name.strip()):
            rows = unmatched_rows(*args.rows, table, years)
            total += len(rows)
            print(f"{table}: {len(rows)} rows without a match (at most 20 a side shown)")
            for row in rows:
                print("  ", row)
        return 1 if total else 0
    if args.compare:
        left, right = (json.loads(path.read_text()) for path in args.compare)
        years = {year.strip() for year in args.years.split(",") if year.strip()} or None
        differences = compare(left, right, years)
        compared = sum(
            1 for table in left for year in left[table] if years is None or year in years
        )
        for line in differences:
            print(line)
        print(f"{compared} (table, year) fingerprints compared, {len(differences)} differ")
        return 1 if differences else 0
    if args.warehouse is None:
        parser.error("a warehouse path (or --compare) is required")
    prints = fingerprint(args.warehouse, tuple(args.schemas.split(",")))
    text = json.dumps(prints, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
