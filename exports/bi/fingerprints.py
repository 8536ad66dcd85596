"""Order-independent fingerprints of warehouse tables, per school year, computed inside DuckDB.

A publish compares them with the fingerprints stored with the previous publication and rewrites
only the tables, and the school years of a table, whose rows differ. A fingerprint is the row
count and the sum of a 64-bit hash of every row (all columns): rows may be stored in any order,
so a mart rebuilt with the same rows matches, while any changed, added or removed row changes
the sum (the chance that a change leaves both count and sum equal is about 2^-64).

Tables with a `school_year` column are fingerprinted per school year (the unit in which the
dbt models are rebuilt incrementally); other tables as a whole. A table whose school_year has
an empty value, or a value unfit for a folder name, is treated as a whole table. Tables that
also have a `measure_code` (the scorecard, the equity gaps, the measure marts) are fingerprinted
per school year and measure, because a school day changes some measures of the year (attendance)
and not others (assessments, surveys): the DuckDB file then rewrites only those. A year's
digest is the sum of its measures' digests, the same as if it were computed whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb

from exports.bi.warehouse import SourceTable
from warehouse.sql import quote_identifier

PARTITION_COLUMN = "school_year"
SUBPARTITION_COLUMN = "measure_code"
# Bump when the way a table is written changes, so every previous publication is rewritten.
LAYOUT_VERSION = 1
_ROW_ALIAS = "fingerprinted_row"
_SAFE_PARTITION_VALUE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


@dataclass(frozen=True)
class TableFingerprint:
    """What a table holds: its columns, and a digest per school year (or of the whole table)."""

    table: SourceTable
    columns_digest: str  # column names and types, in order
    partitions: dict[str, str] | None  # school_year -> "rows:hash sum", ascending; None: whole
    whole: str | None  # "rows:hash sum" of an unpartitioned table
    # school_year -> measure_code -> "rows:hash sum", for tables with a measure_code column
    subpartitions: dict[str, dict[str, str]] | None = None

    @property
    def is_partitioned(self) -> bool:
        return self.partitions is not None

    @property
    def rows(self) -> int:
        digests = self.partitions.values() if self.partitions is not None else [self.whole]
        return sum(int(digest.split(":", 1)[0]) for digest in digests)


def digest_of(*parts) -> str:
    """A short stable digest of JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _digest(rows: int, total: int | str | None) -> str:
    return f"{rows}:{total}"


def fingerprint_table(
    con: duckdb.DuckDBPyConnection, catalog: str, table: SourceTable
) -> TableFingerprint:
    columns_digest = digest_of(
        LAYOUT_VERSION, duckdb.__version__, [(c.name, c.duckdb_type) for c in table.columns]
    )
    reference = table.duckdb_reference(catalog)
    names = {column.name for column in table.columns}
    # The hash of the row as a struct covers every column, in order.
    row_hash = f"sum(hash({_ROW_ALIAS}))"
    if PARTITION_COLUMN in names:
        year = quote_identifier(PARTITION_COLUMN)
        has_measure = SUBPARTITION_COLUMN in names
        measure = (
            f"cast({quote_identifier(SUBPARTITION_COLUMN)} as varchar)" if has_measure else "''"
        )
        rows = con.execute(
            f"select cast({year} as varchar), {measure}, count(*), {row_hash} "
            f"from {reference} as {_ROW_ALIAS} group by 1, 2"
        ).fetchall()
        is_partitionable = all(
            value is not None and _SAFE_PARTITION_VALUE.match(value) for value, *_ in rows
        )
        if rows and is_partitionable:
            by_year: dict[str, dict[str, tuple[int, int]]] = {}
            for value, measure_code, count, total in rows:
                by_year.setdefault(value, {})[measure_code] = (count, int(total))
            partitions = {
                value: _digest(
                    sum(count for count, _ in measures.values()),
                    sum(total for _, total in measures.values()),
                )
                for value, measures in sorted(by_year.items())
            }
            subpartitions = None
            if has_measure and all(measure_code is not None for _, measure_code, *_ in rows):
                subpartitions = {
                    value: {m: _digest(*counted) for m, counted in sorted(measures.items())}
                    for value, measures in sorted(by_year.items())
                }
            return TableFingerprint(table, columns_digest, partitions, None, subpartitions)
    count, total = con.execute(
        f"select count(*), {row_hash} from {reference} as {_ROW_ALIAS}"
    ).fetchone()
    return TableFingerprint(table, columns_digest, None, _digest(count, total))


def fingerprint_tables(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    tables: Sequence[SourceTable],
    workers: int = 2,
) -> dict[str, TableFingerprint]:
    """Fingerprints keyed by `schema.table` (warehouse names), `workers` tables at a time (each
    on its own cursor: most of a scan's time is single-threaded hashing)."""

    def fingerprint(table: SourceTable) -> TableFingerprint:
        cursor = con.cursor()
        try:
            return fingerprint_table(cursor, catalog, table)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        fingerprints = list(pool.map(fingerprint, tables))
    return {table.qualified_name: fp for table, fp in zip(tables, fingerprints, strict=True)}
