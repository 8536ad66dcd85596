"""One Parquet file per published table, for tools that read files rather than databases.

Layout: `<parquet_dir>/<schema>/<table>.parquet`. Each file is written by DuckDB under a
temporary name in the same folder and renamed into place, so a reader never opens a half-written
file. Files of tables that are no longer published are removed, so the folder mirrors the
warehouse. Restricted schemas get owner-only folders and files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from exports.bi.duckdb_target import sql_string_literal
from exports.bi.warehouse import SourceTable


def write_parquet_files(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    tables: Sequence[SourceTable],
    parquet_dir: Path,
    restricted_schemas: Sequence[str],
) -> list[Path]:
    """Write every table; return the paths written."""
    written: list[Path] = []
    tables_by_schema: dict[str, list[SourceTable]] = {}
    for table in tables:
        tables_by_schema.setdefault(table.schema, []).append(table)
    for schema, schema_tables in tables_by_schema.items():
        is_restricted = schema in restricted_schemas
        schema_dir = parquet_dir / schema
        schema_dir.mkdir(parents=True, exist_ok=True)
        if is_restricted:
            os.chmod(schema_dir, 0o700)
        for table in schema_tables:
            written.append(
                _write_one(warehouse, warehouse_catalog, table, schema_dir, is_restricted)
            )
        published_names = {f"{table.name}.parquet" for table in schema_tables}
        for stale in schema_dir.glob("*.parquet"):
            if stale.name not in published_names:
                stale.unlink()
    return written


def _write_one(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    table: SourceTable,
    schema_dir: Path,
    is_restricted: bool,
) -> Path:
    final_path = schema_dir / f"{table.name}.parquet"
    writing_path = schema_dir / f".{table.name}.parquet.writing-{os.getpid()}"
    try:
        warehouse.execute(
            f"copy (select * from {table.duckdb_reference(warehouse_catalog)}) "
            f"to {sql_string_literal(str(writing_path))} (format parquet, compression zstd)"
        )
        os.chmod(writing_path, 0o600 if is_restricted else 0o644)
        os.replace(writing_path, final_path)
    finally:
        writing_path.unlink(missing_ok=True)
    return final_path
