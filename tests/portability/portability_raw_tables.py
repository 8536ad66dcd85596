"""The fixture district's raw tables, copied out of a DuckDB warehouse for other warehouses.

The portability tests build the dbt project on PostgreSQL and on Spark from exactly the raw rows
the DuckDB build read: PostgreSQL receives them by COPY (column types mapped as the BI publisher
maps them), Spark reads them as Parquet files that DuckDB writes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from exports.bi.postgres_target import create_and_copy_table
from exports.bi.type_mapping import postgres_column_for

RAW_SCHEMA = "raw"


def source_table_names(warehouse: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw tables dbt reads: every table of schema raw but ingestion's own `_` bookkeeping."""
    rows = warehouse.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [RAW_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows if not name.startswith("_")]


def copy_raw_to_postgres(warehouse_path: Path, conninfo: str, target_schema: str) -> dict[str, int]:
    """Create `target_schema` and fill one table per raw table; return rows per table."""
    rows_by_table: dict[str, int] = {}
    warehouse = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                sql.SQL("create schema if not exists {}").format(sql.Identifier(target_schema))
            )
            for table in source_table_names(warehouse):
                rows_by_table[table] = _copy_table(warehouse, conn, table, target_schema)
    finally:
        warehouse.close()
    return rows_by_table


def _copy_table(
    warehouse: duckdb.DuckDBPyConnection,
    conn: psycopg.Connection,
    table: str,
    target_schema: str,
) -> int:
    described = warehouse.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [RAW_SCHEMA, table],
    ).fetchall()
    columns = [postgres_column_for(name, data_type) for name, data_type in described]
    return create_and_copy_table(
        conn,
        warehouse,
        f"{RAW_SCHEMA}.{table}",
        sql.Identifier(target_schema, table),
        columns,
        batch_rows=50_000,
    )


def write_raw_parquet(warehouse_path: Path, directory: Path) -> dict[str, Path]:
    """One Parquet file per raw table under `directory`; return the file of each table."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    warehouse = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        for table in source_table_names(warehouse):
            path = directory / table / "data.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            warehouse.execute(f"copy {RAW_SCHEMA}.{table} to '{path}' (format parquet)")
            files[table] = path
    finally:
        warehouse.close()
    return files
