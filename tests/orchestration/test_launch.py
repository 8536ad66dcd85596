"""`make run`'s launcher: the run belongs to the code location, and a permanent source error
fails once, fast, with the source's own message printed last."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import dagster as dg
from dagster._core.events import DagsterEventType

from tests.conftest import REPO_ROOT


def test_an_empty_sis_folder_fails_once_and_its_message_comes_last(tmp_path, monkeypatch):
    """Every source but the SIS is absent too (no files): each load fails once with its own
    rule, nothing downstream runs, and no step is retried. The SIS's `no_drop` is named."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO_ROOT / "dagster.local.yaml").read_text())
    (tmp_path / "sources" / "sis").mkdir(parents=True)
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "DISTRICT_SOURCE_MODE": "real",
        "DISTRICT_SOURCES_DIR": str(tmp_path / "sources"),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "DISTRICT_OUTPUTS_DIR": str(tmp_path / "outputs"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.launch", "full_refresh"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    root_cause = [i for i, line in enumerate(lines) if line.startswith("ROOT CAUSE")]
    assert len(root_cause) == 1 and root_cause[0] >= len(lines) - 6, done.stdout
    assert "not run because of it:" in done.stdout and "district_dbt" in done.stdout
    assert "sis [no_drop] no SIS drop" in done.stdout or "rule: missing_database" in done.stdout
    assert "CatalogException" not in done.stdout

    monkeypatch.setenv("DAGSTER_HOME", str(home))  # the local instance's storage reads it
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.FAILURE
        assert run.remote_job_origin is not None
        assert run.remote_job_origin.location_name == "district"
        failures = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_FAILURE
        ).records
        retries = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY
        ).records
        failed = sorted(r.event_log_entry.step_key for r in failures)
        assert "load_sis" in failed and failed == sorted(set(failed))  # each once
        assert not retries
        sis = next(r for r in failures if r.event_log_entry.step_key == "load_sis")
        data = sis.event_log_entry.dagster_event.event_specific_data
        assert data.user_failure_data.metadata["rule"].value == "no_drop"


def test_gx_imports_in_a_process_whose_main_module_is_uninitialised():
    """`python -c` has a `__main__` without spec or file, like Dagster's run worker; there
    pyspark.sql.connect (imported by GX) calls sys.exit(0) unless the runner keeps it out."""
    script = textwrap.dedent(
        """
        from quality.runner import _keep_spark_connect_out_of_an_uninitialised_main
        _keep_spark_connect_out_of_an_uninitialised_main()
        import great_expectations
        print("imported", great_expectations.__name__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "imported great_expectations" in done.stdout, done.stderr
