"""The local instance's storage (dagster.local.yaml, orchestration/instance_storage.py) records
what Dagster's own SQLite storage records, readable at once by another process, and keeps no more
than a few connections open, in the main thread only."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import dagster as dg
import pytest

from orchestration.instance_storage import KEPT_SHARDS, KeptOpenSqliteEventLogStorage

REPO_ROOT = Path(__file__).resolve().parents[2]


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 3})


@dg.asset_check(asset=counted, blocking=True)
def counted_is_small() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True, metadata={"rows": 3})


JOB = dg.Definitions(
    assets=[counted], asset_checks=[counted_is_small], jobs=[dg.define_asset_job("counted_job")]
).resolve_job_def("counted_job")


@pytest.fixture
def local_instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO_ROOT / "dagster.local.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        yield instance


def _kept_storage(instance: dg.DagsterInstance) -> KeptOpenSqliteEventLogStorage:
    storage = instance.get_ref().storage_data
    assert storage.module_name == "orchestration.instance_storage", storage
    event_log = instance._event_storage  # the storage the run writes through
    while not isinstance(event_log, KeptOpenSqliteEventLogStorage):
        event_log = event_log._storage.event_log_storage  # LegacyEventLogStorage's wrapped one
    return event_log


def test_a_run_s_events_are_read_back_by_another_process(local_instance, tmp_path):
    result = JOB.execute_in_process(instance=local_instance)
    assert result.success
    reader = tmp_path / "read.py"
    reader.write_text(
        textwrap.dedent(
            f"""
            import dagster as dg
            with dg.DagsterInstance.get() as instance:
                run = instance.get_run_by_id({result.run_id!r})
                materialization = instance.get_latest_materialization_event(dg.AssetKey("counted"))
                check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
                    [dg.AssetCheckKey(dg.AssetKey("counted"), "counted_is_small")]
                )
                print(run.status.value, len(instance.all_logs({result.run_id!r})))
                print(materialization.run_id == {result.run_id!r})
                print(list(check.values())[0].status.value)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(reader)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    status_line, materialized, check_status = done.stdout.split("\n")[:3]
    status, events = status_line.split()
    assert status == "SUCCESS"
    assert int(events) == len(local_instance.all_logs(result.run_id))
    assert materialized == "True"
    assert check_status == "SUCCEEDED"


def test_only_the_main_thread_keeps_connections_and_only_a_few(local_instance):
    storage = _kept_storage(local_instance)
    run_ids = [
        JOB.execute_in_process(instance=local_instance).run_id for _ in range(KEPT_SHARDS + 2)
    ]
    assert len(storage._kept) == KEPT_SHARDS
    assert set(storage._kept) <= {"index", *run_ids}

    kept_before = dict(storage._kept)
    logs_in_thread = []
    worker = threading.Thread(
        target=lambda: logs_in_thread.append(local_instance.all_logs(run_ids[0]))
    )
    worker.start()
    worker.join()
    assert storage._kept == kept_before  # the other thread opened and closed its own
    assert len(logs_in_thread[0]) == len(local_instance.all_logs(run_ids[0])) > 0

    local_instance.wipe()  # deletes the run files: their connections are closed first
    assert set(storage._kept) <= {"index"}
    assert local_instance.all_logs(run_ids[-1]) == []
