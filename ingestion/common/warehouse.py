"""Opening the DuckDB warehouse with the `raw` schema and its bookkeeping tables in place."""

from __future__ import annotations

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


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema `raw`, `raw._quarantine` and `raw._load_audit` if they are missing."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(QUARANTINE_DDL)
    con.execute(LOAD_AUDIT_DDL)
    # Warehouses created before the audit kept warnings gain the column in place.
    con.execute(f"alter table {RAW_SCHEMA}._load_audit add column if not exists warnings varchar[]")


def connect_warehouse(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file and make sure the raw schema exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    ensure_raw_schema(con)
    return con
