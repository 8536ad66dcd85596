"""Opening the DuckDB warehouse with the `raw` schema and its bookkeeping tables in place.

The connection itself, with its memory and thread limits, comes from `warehouse.connection`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.connection import connect

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


def connect_warehouse(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file and make sure the raw schema exists."""
    con = connect(path)
    ensure_raw_schema(con)
    return con
