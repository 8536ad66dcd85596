"""Opening the DuckDB warehouse with the `raw` schema and its bookkeeping tables in place.

Every connection that writes the warehouse gets a memory limit and a thread count, because
DuckDB's own default (80 % of the machine per connection) lets one large load or join compete
with dbt and the checks for the whole machine instead of spilling to disk:

| variable             | default                       |
|----------------------|-------------------------------|
| DUCKDB_MEMORY_LIMIT  | `4GB`                         |
| DUCKDB_THREADS       | the machine's cores           |

`preserve_insertion_order` is off: no raw table promises an order (lineage columns carry the
file and row), and keeping it would stop DuckDB from spilling large inserts. Spilled data
goes to `<warehouse>.tmp`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"

QUARANTINE_DDL = f"""
create table if not exists {RAW_SCHEMA}._quarantine (
    source varchar,
    table_name varchar,
    source_file varchar,
    source_row bigint,
    rule varchar,
    column_name varchar,
    offending_value varchar,
    raw_record varchar,
    loaded_at timestamptz,
    load_id varchar
)
"""

LOAD_AUDIT_DDL = f"""
create table if not exists {RAW_SCHEMA}._load_audit (
    load_id varchar,
    source varchar,
    table_name varchar,
    loaded_at timestamptz,
    files varchar[],
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    seconds double,
    warnings varchar[]
)
"""


COLLAPSED_ROWS_DDL = f"""
create table if not exists {RAW_SCHEMA}._collapsed_rows (
    source varchar,
    table_name varchar,
    source_file varchar,
    source_row bigint,
    rule varchar,
    kept_source_file varchar,
    kept_source_row bigint,
    raw_record varchar,
    loaded_at timestamptz,
    load_id varchar
)
"""
"""Rows not kept because another row of the same load had their key (`repeats.py`)."""

LOADED_FILES_DDL = f"""
create table if not exists {RAW_SCHEMA}._loaded_files (
    source varchar,
    table_name varchar,
    source_file varchar,
    file_size bigint,
    modified_ns bigint,
    load_id varchar
)
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema `raw` and its bookkeeping tables (`_quarantine`, `_load_audit`, …)."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(QUARANTINE_DDL)
    con.execute(LOAD_AUDIT_DDL)
    con.execute(LOADED_FILES_DDL)
    con.execute(COLLAPSED_ROWS_DDL)
    # Warehouses created before the audit kept warnings gain the column in place.
    con.execute(f"alter table {RAW_SCHEMA}._load_audit add column if not exists warnings varchar[]")
    # How the load changed the table (`replace`, `merge`, `files`, `unchanged`) and the rows it
    # holds afterwards: the volume check compares tables, not the size of each night's delta.
    con.execute(f"alter table {RAW_SCHEMA}._load_audit add column if not exists write_mode varchar")
    con.execute(f"alter table {RAW_SCHEMA}._load_audit add column if not exists table_rows bigint")
    # Repeated rows collapsed to one (rows_read = loaded + quarantined + collapsed).
    con.execute(
        f"alter table {RAW_SCHEMA}._load_audit add column if not exists rows_collapsed bigint"
    )


def raw_table_exists(con: duckdb.DuckDBPyConnection, raw_table: str) -> bool:
    """Whether `raw.<raw_table>` has been created (by a first load)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, raw_table],
        ).fetchone()[0]
    )


def duckdb_settings(environ: Mapping[str, str] | None = None) -> dict[str, str | int | bool]:
    """DuckDB configuration for a warehouse connection, from the environment.

    Empty variables count as unset, as in `SourceSettings.from_env`.
    """
    env = os.environ if environ is None else environ
    memory_limit = env.get("DUCKDB_MEMORY_LIMIT", "") or "4GB"
    threads = int(env.get("DUCKDB_THREADS", "") or os.cpu_count() or 1)
    config: dict[str, str | int | bool] = {
        "memory_limit": memory_limit,
        "threads": threads,
        "preserve_insertion_order": False,
    }
    return config


def connect_warehouse(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file and make sure the raw schema exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config=duckdb_settings())
    ensure_raw_schema(con)
    return con
