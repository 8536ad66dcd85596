"""Row counts and typed column schemas for the tables a `dbt build` wrote, read from DuckDB.

dagster-dbt can fetch both itself, through an adapter handle opened inside the run worker while
dbt runs (orchestration/dbt/resource.py explains why this project builds no such handle: about
5 s per dbt step). DuckDB allows one writer at a time, and the dbt subprocess is it, so this
module instead reads the warehouse's catalog once, after dbt has exited: one query for every
table's exact row count and one for every column's type, in a fraction of a second. The dbt
step holds its materializations until then and sends them out with `dagster/row_count` and
`dagster/column_schema` attached, which the asset pages show as the row count and the Type
column. Views carry neither: they hold no rows of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg

from warehouse.connection import connect


def table_metadata(warehouse: Path) -> dict[tuple[str, str], dict]:
    """`(schema, table)` → Dagster metadata (row count, column schema) of every base table."""
    con = connect(warehouse, read_only=True)
    try:
        columns: dict[tuple[str, str], list[dg.TableColumn]] = {}
        for schema, table, column, data_type in con.execute(
            "select c.schema_name, c.table_name, c.column_name, c.data_type "
            "from duckdb_columns() c join duckdb_tables() t "
            "on t.schema_name = c.schema_name and t.table_name = c.table_name "
            "and t.database_name = c.database_name "
            "where t.database_name = current_database() order by c.column_index"
        ).fetchall():
            columns.setdefault((schema, table), []).append(dg.TableColumn(column, data_type))
        counts = _row_counts(con, list(columns))
    finally:
        con.close()
    return {
        relation: {
            "dagster/row_count": counts[relation],
            "dagster/column_schema": dg.TableSchema(columns=table_columns),
        }
        for relation, table_columns in columns.items()
    }


def _row_counts(con, relations: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Exact counts in one statement (DuckDB answers count(*) from its row-group metadata)."""
    if not relations:
        return {}
    union = " union all ".join(
        f'select {index} as i, count(*) as n from "{schema}"."{table}"'
        for index, (schema, table) in enumerate(relations)
    )
    return {relations[index]: n for index, n in con.execute(union).fetchall()}


def with_table_metadata(
    events: Iterable, warehouse: Path, relations: dict[dg.AssetKey, tuple[str, str]]
) -> Iterator:
    """The dbt step's events, materializations held until dbt has exited and then sent with
    their table's metadata; every other event (checks, observations) passes at once.

    `relations` maps each dbt asset key to its `(schema, table)` in the warehouse; dagster-dbt
    names each output after its asset key (`AssetKey.to_python_identifier()`).
    """
    held = []
    for event in events:
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            held.append(event)
        else:
            yield event
    if not held:
        return
    metadata = table_metadata(warehouse)
    by_output = {key.to_python_identifier(): relation for key, relation in relations.items()}
    for event in held:
        if isinstance(event, dg.AssetMaterialization):
            relation = relations.get(event.asset_key)
        else:
            relation = by_output.get(event.output_name)
        extra = metadata.get(relation) if relation else None
        yield event.with_metadata({**(event.metadata or {}), **extra}) if extra else event
