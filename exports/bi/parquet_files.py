"""Parquet files of the published tables, for tools that read files rather than databases.

Layout:

    <parquet_dir>/<schema>/<table>/school_year=<year>/data.parquet   tables with a school_year
    <parquet_dir>/<schema>/<table>.parquet                           every other table

Tables with a school_year column are partitioned by it, hive style: the school_year column is in
the folder name, not in the files, as Spark, pyarrow/pandas and DuckDB expect
(`pd.read_parquet("marts/school_scorecard")`,
`read_parquet('marts/school_scorecard/*/*.parquet')`). A nightly run then rewrites only the
school years whose rows changed.

Each file carries the fingerprint of what it holds (its table's columns and the rows of its
school year, see fingerprints.py) in its Parquet key-value metadata; a file whose fingerprint
matches the warehouse is left alone. Each file is written by DuckDB under a temporary name in
its folder and renamed into place, so a reader never opens a half-written file. Files, school
years and tables that are no longer published are removed, so the folder mirrors the
warehouse. Restricted schemas get owner-only folders and files.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from exports.bi.file_modes import set_dir_mode, set_file_mode
from exports.bi.fingerprints import PARTITION_COLUMN, TableFingerprint
from exports.bi.warehouse import SourceTable
from warehouse.sql import quote_identifier, quote_literal

PARTITION_FILE = "data.parquet"
_METADATA_KEY = "district_publication"


@dataclass
class ParquetPublication:
    """The files of a publish: all of them, and which were written or kept as they were."""

    files: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    # `schema.table` -> school years written (tables with a school_year column only)
    years_written: dict[str, list[str]] = field(default_factory=dict)


def _file_fingerprint(fingerprint: TableFingerprint, year: str | None) -> str:
    digest = fingerprint.whole if year is None else fingerprint.partitions[year]
    return json.dumps({"columns": fingerprint.columns_digest, "rows": digest}, sort_keys=True)


def _stored_fingerprints(
    warehouse: duckdb.DuckDBPyConnection, paths: list[Path]
) -> dict[Path, str]:
    """The fingerprint each existing file carries (files without one are left out)."""
    if not paths:
        return {}
    listed = ", ".join(quote_literal(str(path)) for path in paths)
    try:
        rows = warehouse.execute(
            f"select file_name, key, value from parquet_kv_metadata([{listed}])"
        ).fetchall()
    except duckdb.Error:
        return {}  # an unreadable file: everything is written again
    stored = {}
    for file_name, key, value in rows:
        if bytes(key) == _METADATA_KEY.encode():
            stored[Path(file_name)] = bytes(value).decode("utf-8", "replace")
    return stored


def write_parquet_files(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    tables: Sequence[SourceTable],
    parquet_dir: Path,
    restricted_schemas: Sequence[str],
    fingerprints: dict[str, TableFingerprint],
) -> ParquetPublication:
    """Bring the Parquet folder up to date with the tables; return what was done."""
    result = ParquetPublication()
    tables_by_schema: dict[str, list[SourceTable]] = {}
    for table in tables:
        tables_by_schema.setdefault(table.schema, []).append(table)
    existing = sorted(parquet_dir.rglob("*.parquet")) if parquet_dir.exists() else []
    stored = _stored_fingerprints(warehouse, [p for p in existing if not p.name.startswith(".")])
    for schema, schema_tables in tables_by_schema.items():
        is_restricted = schema in restricted_schemas
        schema_dir = parquet_dir / schema
        _make_dir(schema_dir, is_restricted)
        published: set[str] = set()
        for table in schema_tables:
            fingerprint = fingerprints[table.qualified_name]
            if fingerprint.is_partitioned:
                published.add(table.name)
                _write_partitioned(
                    warehouse,
                    warehouse_catalog,
                    fingerprint,
                    schema_dir,
                    is_restricted,
                    stored,
                    result,
                )
            else:
                published.add(f"{table.name}.parquet")
                path = schema_dir / f"{table.name}.parquet"
                _write_file(
                    warehouse,
                    warehouse_catalog,
                    fingerprint,
                    None,
                    path,
                    is_restricted,
                    stored,
                    result,
                )
        for stale in sorted(schema_dir.iterdir()):
            if stale.name not in published and (
                _is_leftover(stale) or not stale.name.startswith(".")
            ):
                _remove(stale, result)
    return result


def _make_dir(path: Path, is_restricted: bool) -> None:
    path.mkdir(parents=True, exist_ok=True)
    set_dir_mode(path, is_restricted)


def _is_leftover(path: Path) -> bool:
    """A temporary file of a writer that crashed."""
    return path.name.startswith(".") and ".writing-" in path.name


def _remove(path: Path, result: ParquetPublication) -> None:
    if _is_leftover(path):
        path.unlink()
    elif path.is_dir() and not path.is_symlink():
        result.removed.extend(sorted(path.rglob("*.parquet")))
        shutil.rmtree(path)
    elif path.suffix == ".parquet":
        result.removed.append(path)
        path.unlink()


def _partition_folder(year: str) -> str:
    return f"{PARTITION_COLUMN}={year}"


def _write_partitioned(
    warehouse: duckdb.DuckDBPyConnection,
    catalog: str,
    fingerprint: TableFingerprint,
    schema_dir: Path,
    is_restricted: bool,
    stored: dict[Path, str],
    result: ParquetPublication,
) -> None:
    table_dir = schema_dir / fingerprint.table.name
    if table_dir.is_file() or table_dir.is_symlink():
        table_dir.unlink()
    _make_dir(table_dir, is_restricted)
    written_years = []
    for year in fingerprint.partitions:
        year_dir = table_dir / _partition_folder(year)
        _make_dir(year_dir, is_restricted)
        path = year_dir / PARTITION_FILE
        if _write_file(warehouse, catalog, fingerprint, year, path, is_restricted, stored, result):
            written_years.append(year)
        for stale in year_dir.iterdir():
            if stale.name != PARTITION_FILE and (
                _is_leftover(stale) or not stale.name.startswith(".")
            ):
                _remove(stale, result)
    if written_years:
        result.years_written[fingerprint.table.qualified_name] = written_years
    folders = {_partition_folder(year) for year in fingerprint.partitions}
    for stale in sorted(table_dir.iterdir()):
        if stale.name not in folders and (_is_leftover(stale) or not stale.name.startswith(".")):
            _remove(stale, result)


def _write_file(
    warehouse: duckdb.DuckDBPyConnection,
    catalog: str,
    fingerprint: TableFingerprint,
    year: str | None,
    final_path: Path,
    is_restricted: bool,
    stored: dict[Path, str],
    result: ParquetPublication,
) -> bool:
    """Write one file unless it already holds these rows; return whether it was written."""
    result.files.append(final_path)
    expected = _file_fingerprint(fingerprint, year)
    if final_path.is_file() and stored.get(final_path) == expected:
        set_file_mode(final_path, is_restricted)
        result.kept.append(final_path)
        return False
    table = fingerprint.table
    if year is None:
        query = f"select * from {table.duckdb_reference(catalog)}"
    else:
        year_column = quote_identifier(PARTITION_COLUMN)
        query = (
            f"select * exclude ({year_column}) from {table.duckdb_reference(catalog)} "
            f"where {year_column} = {quote_literal(year)}"
        )
    writing_path = final_path.with_name(f".{final_path.name}.writing-{os.getpid()}")
    metadata = f"{{{_METADATA_KEY}: {quote_literal(expected)}}}"
    try:
        warehouse.execute(
            f"copy ({query}) to {quote_literal(str(writing_path))} "
            f"(format parquet, compression zstd, kv_metadata {metadata})"
        )
        set_file_mode(writing_path, is_restricted)
        os.replace(writing_path, final_path)
    finally:
        writing_path.unlink(missing_ok=True)
    result.written.append(final_path)
    return True
