"""Row counts and typed column schemas for the tables a `dbt build` wrote, read from DuckDB.

dagster-dbt can fetch both itself, through an adapter handle opened inside the run worker while
dbt runs (orchestration/dbt/resource.py explains why this project builds no such handle: about
5 s per dbt step). DuckDB allows one writer at a time, and the dbt subprocess is it, so this
module instead reads the warehouse's catalog once, after dbt has exited: one query for every
table's exact row count and one for every column's type, in a fraction of a second. The dbt
step holds its materializations until then and sends them out with `dagster/row_count` and
`dagster/column_schema` attached, which the asset pages show as the row count and the Type
column. Views carry neither: they hold no rows of their own.

The dbt assets are partitioned by school year, and a run over several years sends one output
that Dagster records for each of its partitions: every partition's `dagster/row_count` is the
whole table's. A mart with a `school_year` column therefore also carries `rows_by_school_year`,
its rows per year (the marts are aggregates: one grouped count each, milliseconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg

from warehouse.connection import connect

YEAR_COUNTED_SCHEMA = "marts"
"""The schema whose tables get their rows per school year: the marts analysts read."""


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
        by_year = _rows_by_school_year(
            con,
            [
                relation
                for relation, table_columns in columns.items()
                if relation[0] == YEAR_COUNTED_SCHEMA
                and any(c.name == "school_year" for c in table_columns)
            ],
        )
    finally:
        con.close()
    metadata = {
        relation: {
            "dagster/row_count": counts[relation],
            "dagster/column_schema": dg.TableSchema(columns=table_columns),
        }
        for relation, table_columns in columns.items()
    }
    for relation, years in by_year.items():
        metadata[relation]["rows_by_school_year"] = dg.MetadataValue.json(years)
    return metadata


def _rows_by_school_year(con, relations: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """Each relation's rows per school year, in one statement, years in order."""
    if not relations:
        return {}
    union = " union all ".join(
        f"select {index} as i, cast(school_year as varchar) as y, count(*) as n "
        f'from "{schema}"."{table}" group by all'
        for index, (schema, table) in enumerate(relations)
    )
    found: dict[tuple[str, str], dict] = {relation: {} for relation in relations}
    for index, year, n in con.execute(f"{union} order by i, y").fetchall():
        found[relations[index]][str(year)] = n
    return found


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
