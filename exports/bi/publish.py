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

Publishing the same warehouse twice leaves the target identical.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from exports.bi.duckdb_target import publish_to_duckdb_file
from exports.bi.layout import ANALYST_ROLE, RESTRICTED_ROLE, restricted_duckdb_path
from exports.bi.manifest import load_relation_docs
from exports.bi.parquet_files import write_parquet_files
from exports.bi.postgres_target import SchemaPublication, publish_to_postgres
from exports.bi.warehouse import current_catalog, list_source_tables, open_warehouse

SUPPORTED_BACKENDS = ("duckdb", "postgresql")


@dataclass(frozen=True)
class PublishResult:
    """What one publish wrote: tables as `schema.table` (warehouse names), rows, duration."""

    target: str
    tables: tuple[str, ...]
    rows_by_table: dict[str, int]
    seconds: float
    parquet_files: tuple[Path, ...] = field(default_factory=tuple)


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
    docs = load_relation_docs(manifest_path)
    warehouse = open_warehouse(str(warehouse_path))
    try:
        catalog = current_catalog(warehouse)
        open_tables = {s: list_source_tables(warehouse, catalog, s) for s in schemas}
        restricted_tables = {
            s: list_source_tables(warehouse, catalog, s) for s in restricted_schemas
        }
        if backend == "postgresql":
            publications = [
                SchemaPublication(s, schema_prefix + s, analyst_role, tables)
                for s, tables in open_tables.items()
            ] + [
                SchemaPublication(s, schema_prefix + s, restricted_role, tables)
                for s, tables in restricted_tables.items()
            ]
            rows_by_table = publish_to_postgres(
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
            target_path = Path(url.database or "")
            if not url.database or url.database == ":memory:":
                raise ValueError("a DuckDB BI target needs a file path: duckdb:///path/to/file")
            rows_by_table = publish_to_duckdb_file(
                warehouse,
                catalog,
                [(schema_prefix + s, tables) for s, tables in open_tables.items()],
                target_path,
                docs,
            )
            if restricted_tables:
                rows_by_table |= publish_to_duckdb_file(
                    warehouse,
                    catalog,
                    [(schema_prefix + s, tables) for s, tables in restricted_tables.items()],
                    restricted_duckdb_path(target_path),
                    docs,
                    is_owner_only=True,
                )
        parquet_files: list[Path] = []
        if parquet_dir is not None:
            every_table = [
                table
                for tables in (*open_tables.values(), *restricted_tables.values())
                for table in tables
            ]
            parquet_files = write_parquet_files(
                warehouse, catalog, every_table, Path(parquet_dir), restricted_schemas
            )
    finally:
        warehouse.close()
    return PublishResult(
        target=url.render_as_string(hide_password=True),
        tables=tuple(rows_by_table),
        rows_by_table=rows_by_table,
        seconds=time.perf_counter() - started,
        parquet_files=tuple(parquet_files),
    )
