"""The current-year jobs load and check the sources before dbt builds, and publish what it built.

The plan test reads each job's execution plan: the dbt step must wait for every load step and
every blocking raw check, as in `full_refresh`. The run test lands the next school day's SIS drop
beside a copy of the tiny district (built once by the session's full refresh), runs
`nightly_current_year` through Dagster for the current year's partition, and checks that every
step ran and that the new day reached the restricted attendance fact: a dbt step that ran
before the load would have built the marts from the previous night's rows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.execution.api import create_execution_plan

from bench.nightly_drop import land_next_school_day
from tests.conftest import TINY_ENV_KEYS

DBT_STEP = "district_dbt"
SOURCES = ("hr", "planning", "sis", "survey", "tutoring")
RUN_ENV_KEYS = (*TINY_ENV_KEYS, "CURRENT_SCHOOL_YEAR", "BI_DATABASE_URL")


def _upstream_steps(job: dg.JobDefinition, step_key: str, run_config: dict) -> set[str]:
    plan = create_execution_plan(job, run_config=run_config)
    step = plan.get_step_by_key(step_key)
    return {key for step_input in step.step_inputs for key in step_input.dependency_keys}


@pytest.mark.parametrize("job_name", ["nightly_current_year", "full_refresh"])
def test_the_dbt_step_waits_for_every_load_and_raw_check(job_name):
    from orchestration.definitions import build_definitions

    job = build_definitions().resolve_job_def(job_name)
    expected = {f"load_{s}" for s in SOURCES} | {f"quality_raw_{s}" for s in SOURCES}
    assert expected <= _upstream_steps(job, DBT_STEP, {})


def _days_enrolled(warehouse: Path, school_year: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select sum(days_enrolled) from restricted.fct_student_school_year_attendance "
            "where school_year = ?",
            [school_year],
        ).fetchone()[0]
    finally:
        con.close()


def test_a_nightly_run_builds_the_marts_from_the_school_day_it_loaded(
    tiny_pipeline_run, tmp_path, monkeypatch
):
    root = tmp_path / "nightly"
    shutil.copytree(tiny_pipeline_run.sources_dir, root / "sources")
    warehouse = root / "warehouse" / "district.duckdb"
    warehouse.parent.mkdir(parents=True)
    shutil.copy(tiny_pipeline_run.warehouse_path, warehouse)
    # outputs start empty: the publications of this run are made from nothing
    (root / "dagster_home").mkdir()
    for key in RUN_ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    environment = {
        "DISTRICT_SOURCE_MODE": "real",
        "DISTRICT_SOURCES_DIR": str(root / "sources"),
        "WAREHOUSE_PATH": str(warehouse),
        "DISTRICT_OUTPUTS_DIR": str(root / "outputs"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)

    drop = land_next_school_day(root / "sources" / "sis")
    assert drop.attendance_rows_added > 0
    days_before = _days_enrolled(warehouse, drop.current_school_year)

    from orchestration.definitions import build_definitions

    job = build_definitions().resolve_job_def("nightly_current_year")
    with dg.instance_for_test(temp_dir=os.environ["DAGSTER_HOME"]) as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, partition_key=drop.current_school_year
        )

    assert result.success, [e.message for e in result.all_events if e.is_failure][:3]
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert not skipped
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"publications/bi_database", "publications/open_data_release"} <= materialized
    # One more school day: every student enrolled at a school in session that day has one more
    # day enrolled in the current year.
    assert _days_enrolled(warehouse, drop.current_school_year) > days_before
