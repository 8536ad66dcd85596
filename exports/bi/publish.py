"""Publish the warehouse's marts to a BI database (and optionally Parquet files).

`publish_marts` reads the DuckDB warehouse read-only and writes every table of the chosen
schemas to a SQLAlchemy-style URL:

- `duckdb:///path/to/district_bi.duckdb`: a DuckDB file built aside and renamed into place;
  restricted (student-level) schemas go to `<name>_restricted.duckdb`, readable by its owner only,
  because a DuckDB file has no roles. Handled with DuckDB's own Python API (ATTACH), so no
  SQLAlchemy dialect for DuckDB is needed.
- `postgresql+psycopg://user@host:5432/db`: staged schemas swapped in one transaction, COPY
  loading, comments from dbt, the analyst role on `marts`/`reference` and a separate role on
  `restricted`.

Publishing the same warehouse twice leaves the target identical. The DuckDB file and the
Parquet files are updated incrementally: each table is fingerprinted per school year inside
DuckDB (fingerprints.py) and only what differs from the previous publication is written; the
result holds the same rows as a publish from nothing. PostgreSQL schemas are rebuilt whole.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from exports.bi.duckdb_target import FilePublication, publish_to_duckdb_file
from exports.bi.fingerprints import fingerprint_tables
from exports.bi.layout import ANALYST_ROLE, RESTRICTED_ROLE, restricted_duckdb_path
from exports.bi.manifest import load_relation_docs
from exports.bi.parquet_files import ParquetPublication, write_parquet_files
from exports.bi.postgres_target import SchemaPublication, publish_to_postgres
from exports.bi.warehouse import current_catalog, list_source_tables, open_warehouse

SUPPORTED_BACKENDS = ("duckdb", "postgresql")


@dataclass(frozen=True)
class PublishResult:
    """What one publish wrote: tables as `schema.table` (warehouse names), rows, duration,
    and what was rewritten or reused (`tables_rebuilt` are written whole, `years_rebuilt` only
    for the school years listed, `tables_reused` not at all)."""

    target: str
    tables: tuple[str, ...]
    rows_by_table: dict[str, int]
    seconds: float
    parquet_files: tuple[Path, ...] = field(default_factory=tuple)
    tables_rebuilt: tuple[str, ...] = ()
    years_rebuilt: dict[str, list[str]] = field(default_factory=dict)
    # table -> school year -> measures, where only some measures of a year were rewritten
    measures_rebuilt: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    tables_reused: tuple[str, ...] = ()
    tables_dropped: tuple[str, ...] = ()
    parquet_written: tuple[Path, ...] = ()
    parquet_reused: int = 0
    parquet_removed: tuple[Path, ...] = ()
    parquet_years_written: dict[str, list[str]] = field(default_factory=dict)
    fingerprint_seconds: float = 0.0


def _on_cursor(function):
    """`function(connection, ...)` run on a cursor of its own, closed afterwards."""

    def run(connection, *args):
        cursor = connection.cursor()
        try:
            return function(cursor, *args)
        finally:
            cursor.close()

    return run


def _publish_duckdb_files(
    warehouse,
    catalog: str,
    open_tables: list,
    restricted_tables: list,
    target_path: Path,
    docs: dict,
    fingerprints: dict,
) -> list[FilePublication]:
    files = [
        publish_to_duckdb_file(warehouse, catalog, open_tables, target_path, docs, fingerprints)
    ]
    if restricted_tables:
        files.append(
            publish_to_duckdb_file(
                warehouse,
                catalog,
                restricted_tables,
                restricted_duckdb_path(target_path),
                docs,
                fingerprints,
                is_owner_only=True,
            )
        )
    return files


def publish_marts(
    warehouse_path: str | Path,
    target_url: str,
    schemas: Sequence[str] = ("marts", "reference"),
    restricted_schemas: Sequence[str] = ("restricted",),
    manifest_path: str | Path | None = None,
    parquet_dir: str | Path | None = None,
    *,
    schema_prefix: str = "",
    analyst_role: str = ANALYST_ROLE,
    restricted_role: str = RESTRICTED_ROLE,
    batch_rows: int = 100_000,
) -> PublishResult:
    """Publish `schemas` (analyst-readable) and `restricted_schemas` (student-level) to the target.

    `schema_prefix` is prepended to every target schema name (`<prefix>marts`), for targets that
    hold several districts or test runs side by side. `batch_rows` bounds the Arrow batches
    streamed to PostgreSQL, and so the memory used per table.
    """
    started = time.perf_counter()
    overlap = set(schemas) & set(restricted_schemas)
    if overlap:
        raise ValueError(f"schemas cannot be both open and restricted: {sorted(overlap)}")
    url = make_url(target_url)
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"unsupported BI target {backend!r}; supported: {', '.join(SUPPORTED_BACKENDS)}"
        )
    if backend == "duckdb" and (not url.database or url.database == ":memory:"):
        raise ValueError("a DuckDB BI target needs a file path: duckdb:///path/to/file")
    target_path = Path(url.database or "")
    docs = load_relation_docs(manifest_path)
    warehouse = open_warehouse(str(warehouse_path))
    try:
        catalog = current_catalog(warehouse)
        open_tables = {s: list_source_tables(warehouse, catalog, s) for s in schemas}
        restricted_tables = {
            s: list_source_tables(warehouse, catalog, s) for s in restricted_schemas
        }
        every_table = [
            table
            for tables in (*open_tables.values(), *restricted_tables.values())
            for table in tables
        ]
        fingerprint_started = time.perf_counter()
        needs_fingerprints = backend == "duckdb" or parquet_dir is not None
        fingerprints = (
            fingerprint_tables(warehouse, catalog, every_table) if needs_fingerprints else {}
        )
        fingerprint_seconds = time.perf_counter() - fingerprint_started
        # The database target and the Parquet files are written at the same time, each on its
        # own cursor: both spend most of their time in single-threaded encoding.
        with ThreadPoolExecutor(max_workers=2) as pool:
            parquet_future = (
                pool.submit(
                    _on_cursor(write_parquet_files),
                    warehouse,
                    catalog,
                    every_table,
                    Path(parquet_dir),
                    restricted_schemas,
                    fingerprints,
                )
                if parquet_dir is not None
                else None
            )
            if backend == "postgresql":
                publications = [
                    SchemaPublication(s, schema_prefix + s, analyst_role, tables)
                    for s, tables in open_tables.items()
                ] + [
                    SchemaPublication(s, schema_prefix + s, restricted_role, tables)
                    for s, tables in restricted_tables.items()
                ]
                target_future = pool.submit(
                    _on_cursor(publish_to_postgres),
                    warehouse,
                    catalog,
                    publications,
                    target_url,
                    docs,
                    analyst_role,
                    restricted_role,
                    batch_rows,
                )
            else:
                target_future = pool.submit(
                    _on_cursor(_publish_duckdb_files),
                    warehouse,
                    catalog,
                    [(schema_prefix + s, tables) for s, tables in open_tables.items()],
                    [(schema_prefix + s, tables) for s, tables in restricted_tables.items()],
                    target_path,
                    docs,
                    fingerprints,
                )
            # Both finish before either failure is raised, so nothing is left half-written.
            for future in (target_future, parquet_future):
                if future is not None:
                    future.exception()
            outcome = target_future.result()
            parquet = parquet_future.result() if parquet_future else ParquetPublication()
        files: list[FilePublication] = [] if backend == "postgresql" else outcome
        if backend == "postgresql":
            rows_by_table = outcome
        else:
            rows_by_table = {}
            for file in files:
                rows_by_table |= file.rows_by_table
    finally:
        warehouse.close()
    if files:
        rebuilt = tuple(name for file in files for name in file.rebuilt)
        years_rebuilt = {name: years for file in files for name, years in file.updated.items()}
        measures_rebuilt = {
            name: years for file in files for name, years in file.measures_updated.items()
        }
        reused = tuple(name for file in files for name in file.unchanged)
        dropped = tuple(name for file in files for name in file.dropped)
    else:  # PostgreSQL: every table is loaded again
        rebuilt, years_rebuilt, reused, dropped = tuple(rows_by_table), {}, (), ()
        measures_rebuilt = {}
    return PublishResult(
        target=url.render_as_string(hide_password=True),
        tables=tuple(rows_by_table),
        rows_by_table=rows_by_table,
        seconds=time.perf_counter() - started,
        parquet_files=tuple(parquet.files),
        tables_rebuilt=rebuilt,
        years_rebuilt=years_rebuilt,
        measures_rebuilt=measures_rebuilt,
        tables_reused=reused,
        tables_dropped=dropped,
        parquet_written=tuple(parquet.written),
        parquet_reused=len(parquet.kept),
        parquet_removed=tuple(parquet.removed),
        parquet_years_written=parquet.years_written,
        fingerprint_seconds=fingerprint_seconds,
    )
