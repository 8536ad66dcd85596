"""Publishing warehouse tables to a DuckDB file that analysts open read-only.

The file is prepared under a temporary name next to the target and moved over it with one
rename, which is atomic on a POSIX file system: a BI tool opening the file gets either the
previous publish or the new one, and a tool that already has it open keeps reading the previous
one. No schema-level staging is needed inside the file, because nothing reads the file under
construction.

Only what changed is written. The file carries the fingerprints of what it holds (see
fingerprints.py) in a macro, `main._publication_state()`, which BI tools do not list: per table
its columns, documentation and sort order, and a digest per school year. A publish compares them
with the warehouse:

- nothing differs: the file is left alone (not rewritten; open readers are not disturbed);
- otherwise the previous file is copied to the temporary name and updated there: new tables and
  tables whose definition changed are written whole; in the others only the school years whose
  rows differ are deleted and inserted again (only the measures that differ, when a table has
  a measure_code and fewer than half of a year's measures changed); tables no longer published
  are dropped. Every table's row count is then checked against the warehouse before the copy
  replaces the target.

A missing file, one without the macro, or one written by another DuckDB version is built from
nothing. Tables analysts look up by school (layout.LOOKUP_COLUMNS) are stored school year by
school year in ascending order, each year sorted on the other lookup columns: zone maps skip
most row groups for one school, and the current school year, the one rewritten night after
night, stays last, where a build from nothing puts it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from exports.bi.file_modes import set_file_mode
from exports.bi.fingerprints import (
    PARTITION_COLUMN,
    SUBPARTITION_COLUMN,
    TableFingerprint,
    digest_of,
)
from exports.bi.layout import lookup_columns_for
from exports.bi.manifest import RelationDocs
from exports.bi.warehouse import SourceTable
from warehouse.sql import quote_identifier, quote_literal

_BUILD_CATALOG = "bi_publish_build"
_PREVIOUS_CATALOG = "bi_publish_previous"
STATE_MACRO = "_publication_state"
_STATE_FORMAT = 1


@dataclass
class FilePublication:
    """What one publish did to one DuckDB file (table names are `schema.table`, warehouse)."""

    path: Path
    rows_by_table: dict[str, int]
    rebuilt: list[str] = field(default_factory=list)  # written whole
    updated: dict[str, list[str]] = field(default_factory=dict)  # -> school years rewritten
    # -> school year -> the measures rewritten, where only some measures of a year changed
    measures_updated: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # target names of tables removed
    is_rewritten: bool = False  # False when the file was already up to date


@dataclass(frozen=True)
class _Wanted:
    target_schema: str
    table: SourceTable
    fingerprint: TableFingerprint
    definition: str

    @property
    def key(self) -> str:
        return f"{self.target_schema}.{self.table.name}"

    def state(self) -> dict:
        return {
            "definition": self.definition,
            "partitions": self.fingerprint.partitions,
            "subpartitions": self.fingerprint.subpartitions,
            "whole": self.fingerprint.whole,
        }


def _sort_columns(table: SourceTable) -> tuple[str, ...]:
    lookup = lookup_columns_for(table.schema, table.name, [c.name for c in table.columns])
    return tuple(name for name in lookup if name != PARTITION_COLUMN)


def _definition(
    table: SourceTable, fingerprint: TableFingerprint, relation_docs: RelationDocs | None
) -> str:
    columns = {column.name for column in table.columns}
    docs = (
        [
            relation_docs.description,
            sorted(
                (name, text)
                for name, text in relation_docs.column_descriptions.items()
                if name in columns
            ),
        ]
        if relation_docs
        else None
    )
    lookup = lookup_columns_for(table.schema, table.name, [c.name for c in table.columns])
    return digest_of(fingerprint.columns_digest, docs, lookup)


def _recorded_rows(entry: dict) -> int | None:
    partitions = entry.get("partitions")
    digests = partitions.values() if isinstance(partitions, dict) else [entry.get("whole")]
    try:
        return sum(int(str(digest).split(":", 1)[0]) for digest in digests)
    except (TypeError, ValueError, AttributeError):
        return None


def _read_state(warehouse: duckdb.DuckDBPyConnection, target_path: Path) -> dict | None:
    """The previous publication's state, when the file is one this publisher can update."""
    if not target_path.is_file() or Path(f"{target_path}.wal").exists():
        return None
    try:
        warehouse.execute(
            f"attach {quote_literal(str(target_path))} as {_PREVIOUS_CATALOG} (read_only)"
        )
    except duckdb.Error:
        return None
    try:
        has_state = warehouse.execute(
            "select count(*) from duckdb_functions() "
            "where database_name = ? and schema_name = 'main' and function_name = ?",
            [_PREVIOUS_CATALOG, STATE_MACRO],
        ).fetchone()[0]
        if not has_state:
            return None
        state = json.loads(
            warehouse.execute(f"select {_PREVIOUS_CATALOG}.main.{STATE_MACRO}()").fetchone()[0]
        )
        if state.get("format") != _STATE_FORMAT or state.get("duckdb") != duckdb.__version__:
            return None
        present = {
            f"{schema}.{name}"
            for schema, name in warehouse.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = ?",
                [_PREVIOUS_CATALOG],
            ).fetchall()
        }
        tables = state.get("tables", {})
        if not set(tables) <= present:
            return None
        # A table whose row count is not the one recorded was changed behind the publisher's
        # back: it is not trusted, and so written whole.
        for key in list(tables):
            schema, name = key.split(".", 1)
            count = warehouse.execute(
                f"select count(*) from {_PREVIOUS_CATALOG}.{quote_identifier(schema)}."
                f"{quote_identifier(name)}"
            ).fetchone()[0]
            if count != _recorded_rows(tables[key]):
                del tables[key]
        return state
    except (duckdb.Error, ValueError, TypeError):
        return None
    finally:
        warehouse.execute(f"detach {_PREVIOUS_CATALOG}")


def publish_to_duckdb_file(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    tables_by_target_schema: Sequence[tuple[str, Sequence[SourceTable]]],
    target_path: Path,
    docs: dict[tuple[str, str], RelationDocs],
    fingerprints: dict[str, TableFingerprint],
    is_owner_only: bool = False,
) -> FilePublication:
    """Bring the DuckDB file at `target_path` up to date with the tables, atomically.

    `is_owner_only` makes the file readable by its owner alone (for student-level tables).
    """
    target_path.parent.mkdir(parents=True, exist_ok=True)
    wanted = [
        _Wanted(
            target_schema,
            table,
            fingerprints[table.qualified_name],
            _definition(
                table, fingerprints[table.qualified_name], docs.get((table.schema, table.name))
            ),
        )
        for target_schema, tables in tables_by_target_schema
        for table in tables
    ]
    result = FilePublication(
        target_path, {w.table.qualified_name: w.fingerprint.rows for w in wanted}
    )
    state = _read_state(warehouse, target_path)
    previous_tables: dict[str, dict] = state["tables"] if state else {}
    # None: write whole; else school year -> measures to rewrite (None: the whole year)
    plans: list[tuple[_Wanted, dict[str, list[str] | None] | None]] = []
    for item in wanted:
        previous = previous_tables.get(item.key)
        name = item.table.qualified_name
        if previous is None or previous.get("definition") != item.definition:
            plans.append((item, None))
            result.rebuilt.append(name)
        elif item.fingerprint.is_partitioned and previous.get("partitions") is not None:
            pieces = _changed_pieces(previous, item.fingerprint)
            if pieces:
                plans.append((item, pieces))
                result.updated[name] = list(pieces)
                partial = {year: m for year, m in pieces.items() if m is not None}
                if partial:
                    result.measures_updated[name] = partial
            else:
                result.unchanged.append(name)
        elif (
            not item.fingerprint.is_partitioned
            and previous.get("partitions") is None
            and previous.get("whole") == item.fingerprint.whole
        ):
            result.unchanged.append(name)
        else:
            plans.append((item, None))
            result.rebuilt.append(name)
    wanted_keys = {item.key for item in wanted}
    result.dropped = sorted(set(previous_tables) - wanted_keys)
    if state is not None and not plans and not result.dropped:
        set_file_mode(target_path, is_owner_only)
        return result

    building_path = target_path.with_name(f".{target_path.name}.building-{os.getpid()}")
    for leftover in (building_path, Path(f"{building_path}.wal")):
        leftover.unlink(missing_ok=True)
    if state is not None:
        shutil.copyfile(target_path, building_path)
    # The warehouse connection is read-only; the file being built is attached read-write.
    warehouse.execute(
        f"attach {quote_literal(str(building_path))} as {_BUILD_CATALOG} (read_write)"
    )
    try:
        _drop_unpublished(warehouse, result.dropped, {item.target_schema for item in wanted})
        for target_schema in dict.fromkeys(item.target_schema for item in wanted):
            warehouse.execute(f"create schema if not exists {_schema_ref(target_schema)}")
        for item, pieces in plans:
            if pieces is None:
                _write_whole(warehouse, warehouse_catalog, item, docs)
            else:
                _rewrite_pieces(warehouse, warehouse_catalog, item, pieces)
        _check_row_counts(warehouse, warehouse_catalog, wanted, result, docs)
        _write_state(warehouse, wanted)
        warehouse.execute(f"checkpoint {_BUILD_CATALOG}")
    except BaseException:
        warehouse.execute(f"detach {_BUILD_CATALOG}")
        building_path.unlink(missing_ok=True)
        raise
    warehouse.execute(f"detach {_BUILD_CATALOG}")
    set_file_mode(building_path, is_owner_only)
    # A write-ahead log left by a crashed writer of the old file would be replayed onto the new one.
    Path(f"{target_path}.wal").unlink(missing_ok=True)
    os.replace(building_path, target_path)
    result.is_rewritten = True
    return result


def _schema_ref(target_schema: str) -> str:
    return f"{_BUILD_CATALOG}.{quote_identifier(target_schema)}"


def _target_ref(item: _Wanted) -> str:
    return f"{_schema_ref(item.target_schema)}.{quote_identifier(item.table.name)}"


def _drop_unpublished(
    warehouse: duckdb.DuckDBPyConnection, dropped: list[str], wanted_schemas: set[str]
) -> None:
    for key in dropped:
        schema, name = key.split(".", 1)
        warehouse.execute(f"drop table if exists {_schema_ref(schema)}.{quote_identifier(name)}")
    for (schema,) in warehouse.execute(
        "select schema_name from duckdb_schemas() where database_name = ? and not internal",
        [_BUILD_CATALOG],
    ).fetchall():
        if schema not in wanted_schemas and schema != "main":
            warehouse.execute(f"drop schema {_schema_ref(schema)} cascade")


def _changed_pieces(previous: dict, fingerprint: TableFingerprint) -> dict[str, list[str] | None]:
    """School years whose rows differ, each with the measures that differ (None: all of it)."""
    before, after = previous["partitions"], fingerprint.partitions
    years = sorted({y for y, d in after.items() if before.get(y) != d} | (set(before) - set(after)))
    before_measures = previous.get("subpartitions") or {}
    after_measures = fingerprint.subpartitions or {}
    pieces: dict[str, list[str] | None] = {}
    for year in years:
        old, new = before_measures.get(year), after_measures.get(year)
        if old is None or new is None:
            pieces[year] = None
            continue
        measures = sorted({m for m, d in new.items() if old.get(m) != d} | (set(old) - set(new)))
        # Rewriting most of a year measure by measure saves nothing over rewriting it whole.
        pieces[year] = measures if measures and 2 * len(measures) <= len(new) else None
    return pieces


def _piece_filter(year: str, measures: Sequence[str] | None) -> str:
    condition = f"{quote_identifier(PARTITION_COLUMN)} = {quote_literal(year)}"
    if measures is not None:
        listed = ", ".join(quote_literal(measure) for measure in measures)
        condition += f" and {quote_identifier(SUBPARTITION_COLUMN)} in ({listed})"
    return condition


def _year_query(
    catalog: str,
    table: SourceTable,
    year: str | None,
    sort: Sequence[str],
    measures: Sequence[str] | None = None,
) -> str:
    where = f" where {_piece_filter(year, measures)}" if year is not None else ""
    order_by = " order by " + ", ".join(quote_identifier(name) for name in sort) if sort else ""
    return f"select * from {table.duckdb_reference(catalog)}{where}{order_by}"


def _write_whole(
    warehouse: duckdb.DuckDBPyConnection,
    catalog: str,
    item: _Wanted,
    docs: dict[tuple[str, str], RelationDocs],
) -> None:
    target_ref = _target_ref(item)
    table, fingerprint = item.table, item.fingerprint
    sort = _sort_columns(table)
    warehouse.execute(f"drop table if exists {target_ref}")
    if fingerprint.is_partitioned and sort:
        # Year by year, each sorted on the other lookup columns (see the module docstring).
        warehouse.execute(
            f"create table {target_ref} as select * from {table.duckdb_reference(catalog)} limit 0"
        )
        for year in fingerprint.partitions:
            warehouse.execute(f"insert into {target_ref} {_year_query(catalog, table, year, sort)}")
    else:
        lookup = lookup_columns_for(table.schema, table.name, [c.name for c in table.columns])
        warehouse.execute(
            f"create table {target_ref} as {_year_query(catalog, table, None, lookup)}"
        )
    _comment_table(warehouse, target_ref, docs.get((table.schema, table.name)), table)


def _rewrite_pieces(
    warehouse: duckdb.DuckDBPyConnection,
    catalog: str,
    item: _Wanted,
    pieces: dict[str, list[str] | None],
) -> None:
    """Delete and insert again the changed school years (or measures of a school year)."""
    target_ref = _target_ref(item)
    for year, measures in pieces.items():
        warehouse.execute(f"delete from {target_ref} where {_piece_filter(year, measures)}")
    sort = _sort_columns(item.table)
    for year, measures in pieces.items():
        if year in item.fingerprint.partitions:
            warehouse.execute(
                f"insert into {target_ref} {_year_query(catalog, item.table, year, sort, measures)}"
            )


def _check_row_counts(
    warehouse: duckdb.DuckDBPyConnection,
    catalog: str,
    wanted: list[_Wanted],
    result: FilePublication,
    docs: dict[tuple[str, str], RelationDocs],
) -> None:
    """Every table must hold as many rows as the warehouse; one that does not (a copy edited
    behind the publisher's back) is written whole."""
    for item in wanted:
        count = warehouse.execute(f"select count(*) from {_target_ref(item)}").fetchone()[0]
        if count != item.fingerprint.rows:
            _write_whole(warehouse, catalog, item, docs)
            name = item.table.qualified_name
            result.updated.pop(name, None)
            result.measures_updated.pop(name, None)
            if name in result.unchanged:
                result.unchanged.remove(name)
            if name not in result.rebuilt:
                result.rebuilt.append(name)


def _write_state(warehouse: duckdb.DuckDBPyConnection, wanted: list[_Wanted]) -> None:
    state = {
        "format": _STATE_FORMAT,
        "duckdb": duckdb.__version__,
        "tables": {item.key: item.state() for item in wanted},
    }
    text = json.dumps(state, sort_keys=True, separators=(",", ":"))
    warehouse.execute(
        f"create or replace macro {_BUILD_CATALOG}.main.{STATE_MACRO}() as {quote_literal(text)}"
    )


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
            f"comment on table {target_ref} is {quote_literal(relation_docs.description)}"
        )
    column_names = {column.name for column in table.columns}
    for column_name, description in relation_docs.column_descriptions.items():
        if column_name in column_names:
            warehouse.execute(
                f"comment on column {target_ref}.{quote_identifier(column_name)} "
                f"is {quote_literal(description)}"
            )
