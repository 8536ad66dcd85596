"""Publishing warehouse tables to a DuckDB file that analysts open read-only.

The whole file is built under a temporary name next to the target and then moved over it with
one rename, which is atomic on a POSIX file system: a BI tool opening the file gets either the
previous publish or the new one, and a tool that already has it open keeps reading the previous
one. No schema-level staging is needed inside the file, because nothing reads the file under
construction.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from exports.bi.layout import lookup_columns_for
from exports.bi.manifest import RelationDocs
from exports.bi.type_mapping import quote_duckdb_identifier
from exports.bi.warehouse import SourceTable

_BUILD_CATALOG = "bi_publish_build"


def sql_string_literal(text: str) -> str:
    """A single-quoted SQL string literal (DuckDB), quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def publish_to_duckdb_file(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    tables_by_target_schema: Sequence[tuple[str, Sequence[SourceTable]]],
    target_path: Path,
    docs: dict[tuple[str, str], RelationDocs],
    is_owner_only: bool = False,
) -> dict[str, int]:
    """Write the tables into a fresh DuckDB file and move it over `target_path`.

    `is_owner_only` makes the file readable by its owner alone (for student-level tables).
    Returns rows per `schema.table` (source names).
    """
    target_path.parent.mkdir(parents=True, exist_ok=True)
    building_path = target_path.with_name(f".{target_path.name}.building-{os.getpid()}")
    for leftover in (building_path, Path(f"{building_path}.wal")):
        leftover.unlink(missing_ok=True)
    rows_by_table: dict[str, int] = {}
    # The warehouse connection is read-only; the file being built is attached read-write.
    warehouse.execute(
        f"attach {sql_string_literal(str(building_path))} as {_BUILD_CATALOG} (read_write)"
    )
    try:
        for target_schema, tables in tables_by_target_schema:
            schema_ref = f"{_BUILD_CATALOG}.{quote_duckdb_identifier(target_schema)}"
            warehouse.execute(f"create schema {schema_ref}")
            for table in tables:
                target_ref = f"{schema_ref}.{quote_duckdb_identifier(table.name)}"
                rows_by_table[table.qualified_name] = _copy_table(
                    warehouse, warehouse_catalog, table, target_ref
                )
                _comment_table(warehouse, target_ref, docs.get((table.schema, table.name)), table)
        warehouse.execute(f"checkpoint {_BUILD_CATALOG}")
    except BaseException:
        warehouse.execute(f"detach {_BUILD_CATALOG}")
        building_path.unlink(missing_ok=True)
        raise
    warehouse.execute(f"detach {_BUILD_CATALOG}")
    os.chmod(building_path, 0o600 if is_owner_only else 0o644)
    # A write-ahead log left by a crashed writer of the old file would be replayed onto the new one.
    Path(f"{target_path}.wal").unlink(missing_ok=True)
    os.replace(building_path, target_path)
    return rows_by_table


def _copy_table(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    table: SourceTable,
    target_ref: str,
) -> int:
    lookup = lookup_columns_for(table.schema, table.name, [c.name for c in table.columns])
    # Sorting on the lookup columns lets DuckDB's zone maps skip most row groups for one school.
    order_by = (
        " order by " + ", ".join(quote_duckdb_identifier(name) for name in lookup) if lookup else ""
    )
    warehouse.execute(
        f"create table {target_ref} as "
        f"select * from {table.duckdb_reference(warehouse_catalog)}{order_by}"
    )
    return warehouse.execute(f"select count(*) from {target_ref}").fetchone()[0]


def _comment_table(
    warehouse: duckdb.DuckDBPyConnection,
    target_ref: str,
    relation_docs: RelationDocs | None,
    table: SourceTable,
) -> None:
    if relation_docs is None:
        return
    if relation_docs.description:
        warehouse.execute(
            f"comment on table {target_ref} is {sql_string_literal(relation_docs.description)}"
        )
    column_names = {column.name for column in table.columns}
    for column_name, description in relation_docs.column_descriptions.items():
        if column_name in column_names:
            warehouse.execute(
                f"comment on column {target_ref}.{quote_duckdb_identifier(column_name)} "
                f"is {sql_string_literal(description)}"
            )
