"""dagster.yaml.example builds a working instance on PostgreSQL, with the warehouse run limit.

Runs against the local PostgreSQL (localhost:5432, user postgres, database `test`) in a database
created for the test and dropped after it. PostgreSQL being unreachable is a failure, not a
skip, unless DISTRICT_ALLOW_NO_POSTGRES=1 says this machine has none.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import dagster as dg
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "localhost", "port": 5432, "user": "postgres", "dbname": "test"}


def _admin_connection():
    import psycopg

    try:
        return psycopg.connect(**PG, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL is not reachable at {PG['host']}:{PG['port']} as {PG['user']} "
            f"(database {PG['dbname']}): {error}"
        )
        if os.environ.get("DISTRICT_ALLOW_NO_POSTGRES") == "1":
            print(f"skipping: {reason} (DISTRICT_ALLOW_NO_POSTGRES=1)")
            pytest.skip(reason)
        pytest.fail(f"{reason}. Start PostgreSQL, or set DISTRICT_ALLOW_NO_POSTGRES=1 to skip.")


@pytest.fixture
def dagster_database():
    """A fresh database for the instance's storage, dropped afterwards."""
    name = f"dagster_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_connection()
    admin.execute(f'create database "{name}"')
    try:
        yield name
    finally:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.close()


@dg.op
def count_schools() -> int:
    return 3


@dg.job(tags={"district/warehouse": "duckdb"})
def tiny_warehouse_job():
    count_schools()


def test_example_instance_stores_and_reads_a_run(dagster_database, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml.example", home / "dagster.yaml")
    for name, value in {
        "DAGSTER_PG_HOST": PG["host"],
        "DAGSTER_PG_PORT": str(PG["port"]),
        "DAGSTER_PG_USER": PG["user"],
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": dagster_database,
        "DAGSTER_COMPUTE_LOG_DIR": str(tmp_path / "compute_logs"),
        "DAGSTER_ARTIFACT_DIR": str(tmp_path / "artifacts"),
    }.items():
        monkeypatch.setenv(name, value)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        from dagster._core.run_coordinator import QueuedRunCoordinator
        from dagster_postgres import (
            PostgresEventLogStorage,
            PostgresRunStorage,
            PostgresScheduleStorage,
        )

        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert [(limit["key"], limit["limit"]) for limit in limits] == [("district/warehouse", 1)]

        result = tiny_warehouse_job.execute_in_process(instance=instance)
        assert result.success
        run_id = result.run_id

    # a second instance (another process, in production) reads what the first one wrote
    with dg.DagsterInstance.from_config(str(home)) as reader:
        stored = reader.get_run_by_id(run_id)
        assert stored.status == dg.DagsterRunStatus.SUCCESS
        assert stored.tags["district/warehouse"] == "duckdb"
        events = reader.all_logs(run_id)
        assert any(event.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS for event in events)

    import psycopg

    with psycopg.connect(**{**PG, "dbname": dagster_database}) as check:
        [(count,)] = check.execute(
            "select count(*) from runs where run_id = %s", (run_id,)
        ).fetchall()
    assert count == 1
