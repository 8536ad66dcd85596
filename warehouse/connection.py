"""Opening DuckDB with the project's memory and thread limits.

Every connection to the warehouse file, and every in-memory scratch connection that builds a
publication, gets a memory limit and a thread count, because DuckDB's own default (80 % of the
machine per connection) lets one large load or join compete with dbt and the checks for the
whole machine instead of spilling to disk:

| variable             | default                       |
|----------------------|-------------------------------|
| DUCKDB_MEMORY_LIMIT  | `4GB`                         |
| DUCKDB_THREADS       | the machine's cores           |

Empty variables count as unset, as in `SourceSettings.from_env`. dbt reads the same variables
in `dbt_project/profiles.yml`.

`preserve_insertion_order` is off: no warehouse table promises an order (lineage columns carry
the file and row), and keeping it would stop DuckDB from spilling large inserts. Spilled data
goes to `<warehouse>.tmp`.

The warehouse holds every student-level row, so a writable connection leaves the file, a
write-ahead log left by an earlier process and the spill folder owner-only (0600 files, 0700
folder), whatever the umask, and a folder it creates for the warehouse is 0700 (which also
covers the WAL DuckDB writes during a session): only the account that runs the pipeline reads
them; analysts read the published BI copies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb

DEFAULT_MEMORY_LIMIT = "4GB"


def duckdb_limits(environ: Mapping[str, str] | None = None) -> dict[str, str | int]:
    """The memory limit and thread count from the environment (module docstring)."""
    env = os.environ if environ is None else environ
    memory_limit = env.get("DUCKDB_MEMORY_LIMIT", "") or DEFAULT_MEMORY_LIMIT
    threads = int(env.get("DUCKDB_THREADS", "") or os.cpu_count() or 1)
    return {"memory_limit": memory_limit, "threads": threads}


def duckdb_settings(environ: Mapping[str, str] | None = None) -> dict[str, str | int | bool]:
    """The full configuration of a connection: the limits, and insertion order not preserved."""
    return {**duckdb_limits(environ), "preserve_insertion_order": False}


def connect(
    path: Path | str | None = None,
    read_only: bool = False,
    environ: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the limits applied: the file at `path`, or an in-memory
    database when `path` is None. A writable file gets its folder created first (0700)."""
    config = duckdb_settings(environ)
    if path is None:
        return duckdb.connect(config=config)
    path = Path(path)
    if not read_only and not path.parent.exists():
        path.parent.mkdir(parents=True)
        os.chmod(path.parent, 0o700)
    connection = duckdb.connect(str(path), read_only=read_only, config=config)
    if not read_only:
        restrict_warehouse_files(path)
    return connection


def restrict_warehouse_files(path: Path) -> None:
    """Owner-only modes on the warehouse file, its WAL and spill folder (module docstring);
    files another account owns are left as they are."""
    for member, mode in (
        (path, 0o600),
        (path.with_name(path.name + ".wal"), 0o600),
        (path.with_name(path.name + ".tmp"), 0o700),
    ):
        try:
            if member.stat().st_uid == os.geteuid():
                os.chmod(member, mode)
        except FileNotFoundError:
            continue
