"""The local instance's SQLite storage, with the event log's connections kept open between writes.

Dagster's `SqliteEventLogStorage` builds a new SQLAlchemy engine and opens a new SQLite
connection for every event it writes, and closes both afterwards (NullPool): the run's own
database file, then the cross-run index for asset and check events. Closing the last connection
of a database in WAL mode checkpoints its write-ahead log and deletes it, so each event paid a
connection, a commit and a checkpoint, two or three times over: a nightly refresh of the tiny
district writes 895 events, which took 7.6 s on a quiet machine and 27.6 s on a busy one, where
each of those waits on the shared disk (docs/performance.md, "Nightly fixed cost"). Here each
database file keeps one engine with one connection (`StaticPool`), so an event is an INSERT and
a COMMIT: 2.7 s for the same events on the quiet machine.

What is unchanged: every event is still its own committed transaction, written before the step
goes on, in the same files and tables (WAL mode, SQLite's default `synchronous=FULL`), so the
webserver, the daemon and `make run`'s follower read them at once from other processes; the
first use of a file still creates and stamps its schema. What is bounded:

- only the process's main thread keeps connections (the in-process executor writes a run's
  events there); any other thread (the webserver's, the daemon's) goes through Dagster's own
  path, a connection per write, so no connection is ever used by two threads (`StaticPool`'s
  connection is opened with `check_same_thread`, which would raise if one were);
- at most `KEPT_SHARDS` files are kept open (the index and the newest runs'), so a long-lived
  process that writes to many runs does not collect file handles;
- a forked child opens its own connections and never touches its parent's (SQLite connections
  must not cross a fork); `wipe`, which deletes the run files, closes them first.

The run, schedule and index databases are otherwise Dagster's (`DagsterSqliteStorage`). The
class is configured in dagster.local.yaml (`storage: custom`); the production instance is
PostgreSQL (dagster.yaml.example) and does not use it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._config import StringSource
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._utils import mkdir_p
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

KEPT_SHARDS = 4
"""Database files whose connection stays open: the cross-run index and the newest runs'."""


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` whose main thread reuses one connection per database file."""

    def __init__(self, base_dir: str, inst_data=None):
        # Set first: Dagster's constructor already writes a new index through `_connect`.
        self._kept: OrderedDict[str, Engine] = OrderedDict()
        self._kept_pid = os.getpid()
        super().__init__(base_dir, inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if threading.current_thread() is not threading.main_thread():
            with super()._connect(shard) as conn:
                yield conn
            return
        with self._db_lock:
            engine = self._kept_engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _kept_engine(self, shard: str) -> Engine:
        if self._kept_pid != os.getpid():
            # A forked child: the parent's connections are the parent's. Dropped without
            # closing them (closing would act on the parent's open database files).
            self._kept = OrderedDict()
            self._kept_pid = os.getpid()
        engine = self._kept.get(shard)
        if engine is not None:
            self._kept.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": True},
        )
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._kept[shard] = engine
        while len(self._kept) > KEPT_SHARDS:
            _, oldest = self._kept.popitem(last=False)
            oldest.dispose()
        return engine

    def _close_kept(self) -> None:
        """Close the kept connections of this process (main thread only: they are its own)."""
        if self._kept_pid == os.getpid() and threading.current_thread() is threading.main_thread():
            with self._db_lock:
                while self._kept:
                    _, engine = self._kept.popitem()
                    engine.dispose()

    def wipe(self) -> None:
        self._close_kept()
        super().wipe()

    def dispose(self) -> None:
        self._close_kept()
        super().dispose()


class DistrictSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event log, schedules under `base_dir`, laid out as its
    default storage lays them out in the instance's folder), with the event log of
    `KeptOpenSqliteEventLogStorage`."""

    def __init__(self, base_dir: str, inst_data=None):
        mkdir_p(base_dir)
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(os.path.join(base_dir, "history", ""))
        self._event_log_storage = KeptOpenSqliteEventLogStorage(
            os.path.join(base_dir, "history", "runs", "")
        )
        self._schedule_storage = SqliteScheduleStorage.from_local(
            os.path.join(base_dir, "schedules")
        )
        self._inst_data = inst_data
        DagsterStorage.__init__(self)

    @classmethod
    def config_type(cls):
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> DistrictSqliteStorage:
        return cls(config_value["base_dir"], inst_data=inst_data)
