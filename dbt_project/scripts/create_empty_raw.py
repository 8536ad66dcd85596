"""Create every raw table of the source contract, empty, in a DuckDB file.

Lets dbt parse, compile and run unit tests (which read upstream column types) before any source
has been loaded: `python dbt_project/scripts/create_empty_raw.py path/to/warehouse.duckdb`.
"""

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from ingestion.contracts import ALL_TABLES, lineage_columns  # noqa: E402


def create_empty_raw(path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path)
    con.execute("create schema if not exists raw")
    for table in ALL_TABLES:
        columns = {**table.columns, **lineage_columns(table.source)}
        column_sql = ", ".join(f'"{name}" {dtype}' for name, dtype in columns.items())
        con.execute(f"create table if not exists raw.{table.raw_table} ({column_sql})")
    con.close()


if __name__ == "__main__":
    create_empty_raw(sys.argv[1])
