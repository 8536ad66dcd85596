"""Which of a table's delivered files changed since they were last loaded.

A nightly SIS drop carries the current school year's files and the snapshot tables; the four
earlier years' files, the survey exports and the saved tutoring pages are the ones loaded the
night before. Reloading them all costs minutes at Los Angeles size for no change, so a file
source compares the files it would load with the ones recorded in `raw._loaded_files` when they
were loaded:

- a file is unchanged when the same lineage name was loaded with the same size and
  modification time (the test rsync makes by default; a re-exported file gets a new time);
- changed or new files are loaded, and the rows that came from them before are replaced;
- files no longer chosen (a year now taken from a newer drop) lose their rows;
- with nothing changed the table is left as it is, and the load says so.

Incremental loading follows INCREMENTAL_LOADS; a table with no recorded files (its first load,
or a warehouse from before the record) and any load with incremental loading off are whole
replacements, which also rewrite the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.common.warehouse import RAW_SCHEMA
from ingestion.contracts import TableContract


@dataclass(frozen=True)
class SourceFile:
    """A delivered file and its lineage name (its `_source_file` in the raw table)."""

    path: Path
    lineage: str
    size: int
    modified_ns: int

    @classmethod
    def at(cls, path: Path, lineage: str) -> SourceFile:
        """The file as it is now: its size and modification time are read once, here."""
        stat = Path(path).stat()
        return cls(Path(path), lineage, stat.st_size, stat.st_mtime_ns)

    @property
    def fingerprint(self) -> tuple[int, int]:
        return self.size, self.modified_ns


@dataclass(frozen=True)
class FileDelta:
    """What one load of a table does with its files."""

    to_load: tuple[SourceFile, ...]
    removed: tuple[str, ...]
    is_whole: bool

    @property
    def is_unchanged(self) -> bool:
        return not self.is_whole and not self.to_load and not self.removed

    @property
    def replaced_lineage(self) -> tuple[str, ...]:
        """Lineage names whose earlier rows this load deletes (a whole load deletes all)."""
        return tuple(f.lineage for f in self.to_load) + self.removed


def whole_load(files: Sequence[SourceFile]) -> FileDelta:
    return FileDelta(tuple(files), (), is_whole=True)


def plan_file_delta(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    files: Sequence[SourceFile],
    is_incremental: bool,
) -> FileDelta:
    """Compare `files` with what `raw._loaded_files` recorded for the table."""
    if not is_incremental or not _table_exists(con, contract.raw_table):
        return whole_load(files)
    recorded = {
        lineage: (size, modified_ns)
        for lineage, size, modified_ns in con.execute(
            f"select source_file, file_size, modified_ns from {RAW_SCHEMA}._loaded_files "
            "where source = ? and table_name = ?",
            [contract.source, contract.name],
        ).fetchall()
    }
    if not recorded:
        return whole_load(files)
    to_load = tuple(f for f in files if recorded.get(f.lineage) != f.fingerprint)
    chosen = {f.lineage for f in files}
    removed = tuple(sorted(lineage for lineage in recorded if lineage not in chosen))
    return FileDelta(to_load, removed, is_whole=False)


def record_loaded_files(
    con: duckdb.DuckDBPyConnection, contract: TableContract, delta: FileDelta, load_id: str
) -> None:
    """Update `raw._loaded_files` for the load; runs inside the load's transaction."""
    where = "source = ? and table_name = ?"
    params: list = [contract.source, contract.name]
    if not delta.is_whole:
        where += " and list_contains(?, source_file)"
        params.append(list(delta.replaced_lineage))
    con.execute(f"delete from {RAW_SCHEMA}._loaded_files where {where}", params)
    rows = [
        (contract.source, contract.name, f.lineage, *f.fingerprint, load_id) for f in delta.to_load
    ]
    if rows:
        con.executemany(
            f"insert into {RAW_SCHEMA}._loaded_files values (?, ?, ?, ?, ?, ?)",
            rows,
        )


def _table_exists(con: duckdb.DuckDBPyConnection, raw_table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [RAW_SCHEMA, raw_table],
        ).fetchone()[0]
    )
