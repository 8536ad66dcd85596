"""The harness's own pieces on small inputs: stage grouping, step timings from Dagster events,
job choice, process-tree memory, the raw-load baseline on the tiny district, the analyst query
and the targets table. No timing is asserted: only that each figure is measured and attributed.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from bench.analyst_query import find_bi_database, time_analyst_query
from bench.generation import MARKER_NAME, ensure_generated
from bench.process_tree import descendants, run_measured
from bench.raw_load import time_raw_load
from bench.run_job import choose_job_name, choose_partition_key, run_span_seconds, step_timings
from bench.stages import seconds_by_stage, stage_of
from bench.targets import markdown_table


def test_steps_are_grouped_into_pipeline_stages():
    assert stage_of("load_sis") == "ingest"
    assert stage_of("district_dbt") == "dbt"
    assert stage_of("quality_raw_hr") == "quality"
    assert stage_of("publish_bi_marts") == "exports"
    assert stage_of("open_data_release") == "exports"
    assert stage_of("publications__bi_database") == "exports"  # the BI asset's step key
    assert stage_of("unexpected_step") == "other:unexpected_step"
    totals = seconds_by_stage(
        {
            "load_sis": 2.0,
            "load_hr": 0.5,
            "district_dbt": 10.0,
            "quality_raw_sis": 1.25,
            "mystery": 3.0,
        }
    )
    # ingest = 2.0 + 0.5 = 2.5; stages in pipeline order, unknown steps last.
    assert totals == {"ingest": 2.5, "dbt": 10.0, "quality": 1.25, "other:mystery": 3.0}


def _entry(timestamp, kind, step_key=None):
    return SimpleNamespace(
        timestamp=timestamp, dagster_event=SimpleNamespace(event_type_value=kind, step_key=step_key)
    )


def test_step_timings_span_first_start_to_last_end_including_retries():
    logs = [
        _entry(100.0, "RUN_START"),
        _entry(101.0, "STEP_START", "load_sis"),
        _entry(105.0, "STEP_UP_FOR_RETRY", "load_sis"),
        _entry(135.0, "STEP_START", "load_sis"),
        _entry(140.5, "STEP_SUCCESS", "load_sis"),
        _entry(141.0, "STEP_START", "district_dbt"),
        _entry(150.0, "STEP_FAILURE", "district_dbt"),
        _entry(150.0, "STEP_SKIPPED", "publish_bi"),
        SimpleNamespace(timestamp=150.5, dagster_event=None),
        _entry(151.0, "RUN_FAILURE"),
    ]
    # load_sis: 101.0 → 140.5 = 39.5 s (the retry's wait counts); dbt: 141 → 150 = 9 s.
    assert step_timings(logs) == {
        "load_sis": {"seconds": 39.5, "status": "success"},
        "district_dbt": {"seconds": 9.0, "status": "failure"},
        "publish_bi": {"seconds": 0.0, "status": "skipped"},
    }
    assert run_span_seconds(logs) == 51.0  # 100 → 151


def test_nightly_job_is_the_pipelines_own_when_it_has_one():
    assert choose_job_name(["__ASSET_JOB", "full_refresh"], "nightly") == "full_refresh"
    assert choose_job_name(["full_refresh", "nightly_current_year"], "nightly") == (
        "nightly_current_year"
    )
    assert choose_job_name(["full_refresh", "x"], "full_refresh") == "full_refresh"
    keys = ["2022-23", "2023-24", "2026-27"]
    assert choose_partition_key(keys, "2023-24") == "2023-24"
    assert choose_partition_key(keys, None) == "2026-27"


def test_run_measured_counts_a_childs_memory_and_ends_what_it_left(tmp_path):
    holder = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "block = bytearray(300 * 1024 * 1024)\n"
        "time.sleep(1.5)\n"
    )
    started = time.monotonic()
    child = run_measured(
        [sys.executable, "-c", holder], env=None, log_path=tmp_path / "log", interval_s=0.1
    )
    assert child.returncode == 0
    # 300 MB of touched bytes plus the interpreter: at least 300 MB resident at the peak.
    assert child.peak_tree_rss_mb >= 300
    # The orphaned sleeper was ended with its group instead of outliving the run by 2 minutes.
    assert time.monotonic() - started < 60
    assert not any("time.sleep(120)" in _cmdline(pid) for pid in descendants(1))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def tiny_sources(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench_tiny") / "sources"
    ensure_generated("tiny", root, seed=20261120, as_of=date(2026, 11, 20))
    return root


def test_generation_is_reused_while_the_request_is_the_same(tiny_sources):
    marker = json.loads((tiny_sources / MARKER_NAME).read_text())
    assert marker["request"] == {"profile": "tiny", "seed": 20261120, "as_of": "2026-11-20"}
    again = ensure_generated("tiny", tiny_sources, seed=20261120, as_of=date(2026, 11, 20))
    assert again.is_reused
    assert again.rows == marker["summary"]["row_counts"]


def test_raw_load_baseline_reads_every_source_file(tiny_sources, tmp_path):
    generated = json.loads((tiny_sources / MARKER_NAME).read_text())["summary"]["row_counts"]
    baseline = time_raw_load(tiny_sources, tmp_path / "baseline.duckdb")
    assert baseline.seconds > 0
    # Every table the generator wrote is loaded with the same row count; the survey export is
    # loaded wide (one row per response), as the generator counts it.
    expected = {
        name: count for name, count in generated.items() if name != "survey__responses_wide"
    }
    expected["survey__responses"] = generated["survey__responses_wide"]
    assert baseline.rows == expected
    assert not (tmp_path / "baseline.duckdb").exists()


def _scorecard_file(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.school_scorecard (school_year varchar, school_code varchar, "
        "measure_code varchar, student_group varchar, value double, n integer)"
    )
    con.execute("""insert into marts.school_scorecard values
        ('2025-26', 'A', 'chronic_absence', 'ALL', 0.2, 100),
        ('2026-27', 'A', 'chronic_absence', 'ALL', 0.18, 98),
        ('2026-27', 'A', 'chronic_absence', 'EL', 0.25, 30),
        ('2026-27', 'B', 'chronic_absence', 'ALL', 0.1, 50)""")
    con.close()


def test_analyst_query_runs_on_the_published_file_not_the_restricted_one(tmp_path):
    outputs = tmp_path / "outputs"
    (outputs / "bi").mkdir(parents=True)
    _scorecard_file(outputs / "bi" / "district_bi_restricted.duckdb")
    assert find_bi_database(outputs) is None
    _scorecard_file(outputs / "bi" / "district_bi.duckdb")
    assert find_bi_database(outputs) == outputs / "bi" / "district_bi.duckdb"

    query = time_analyst_query(outputs, tmp_path / "no_warehouse.duckdb", None)
    # School A has 3 scorecard rows, B has 1: the busiest school is A; newest year 2026-27.
    assert (query.school_code, query.through_school_year, query.scorecard_rows) == (
        "A",
        "2026-27",
        4,
    )
    assert query.milliseconds is not None and not query.is_published_by_bench


def test_targets_table_marks_passed_and_failed_figures():
    table = markdown_table(
        {
            "profile": "lausd",
            "full_refresh_s": 180.0,
            "incremental_s": 31.0,
            "peak_rss_mb": 2048.0,
            "ratio_to_raw_load": None,
            "analyst_query_ms": 10.0,
        }
    )
    lines = table.splitlines()
    # 180 s reaches the limit (≤ passes); 31 s is over the 30 s nightly of Los Angeles size.
    assert lines[2].startswith("| Full refresh | 180.0 s | ≤ 180.0 s | pass")
    assert lines[3].endswith("| ≤ 30.0 s | FAIL |")
    assert "2,048 MB (2.0 GB)" in lines[4] and lines[4].endswith("| pass |")
    assert lines[5].endswith("| not measured |")
    # The query must stay strictly under 10 ms: exactly 10 ms fails.
    assert lines[6].endswith("| < 10.0 ms | FAIL |")


def test_the_tiny_district_is_held_to_its_own_nightly_limit():
    tiny = markdown_table({"profile": "tiny", "incremental_s": 7.9}).splitlines()
    assert tiny[3].endswith("| 7.9 s | ≤ 8.0 s | pass |")
    assert (
        markdown_table({"profile": "tiny", "incremental_s": 8.1})
        .splitlines()[3]
        .endswith("| FAIL |")
    )


def test_a_run_over_the_memory_limit_is_stopped_with_its_peak_recorded(tmp_path):
    grower = "import time\nblock = bytearray(400 * 1024 * 1024)\ntime.sleep(30)\n"
    started = time.monotonic()
    child = run_measured(
        [sys.executable, "-c", grower],
        env=None,
        log_path=tmp_path / "log",
        interval_s=0.1,
        max_rss_mb=200,
    )
    assert child.is_stopped_for_memory
    assert child.returncode != 0
    assert child.peak_tree_rss_mb > 200
    assert time.monotonic() - started < 25  # ended, not left to sleep its 30 s
