"""Run one Dagster job of the pipeline in this process and write its step timings as JSON.

`python -m bench.run_job --job full_refresh --out timings.json` is started by the benchmark as a
child process with the environment already pointing at the benchmark's sources and warehouse, so
the definitions load exactly as in production and the child's memory is measured on its own. The
run is recorded in the real Dagster instance of `DAGSTER_HOME`, so a second run (the nightly
refresh) sees the first run's history as a deployed instance would.

`--job nightly` picks the pipeline's own job for the nightly refresh when it has one (a job other
than `full_refresh` whose name says nightly, incremental or current year), and the current school
year's partition when that job is partitioned; otherwise it runs `full_refresh`, whose own tags
name every school year.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

FULL_REFRESH = "full_refresh"
NIGHTLY_REQUEST = "nightly"
_NIGHTLY_NAME = re.compile(r"nightly|incremental|current|daily", re.IGNORECASE)
_STEP_END_EVENTS = {"STEP_SUCCESS": "success", "STEP_FAILURE": "failure", "STEP_SKIPPED": "skipped"}


def choose_job_name(job_names: list[str], requested: str) -> str:
    """The job to run: `requested` itself, or for `nightly` the best nightly job available."""
    if requested != NIGHTLY_REQUEST:
        return requested
    candidates = sorted(
        n
        for n in job_names
        if n != FULL_REFRESH and not n.startswith("__") and _NIGHTLY_NAME.search(n)
    )
    return candidates[0] if candidates else FULL_REFRESH


def choose_partition_key(partition_keys: list[str], current_school_year: str | None) -> str:
    """The partition holding the current school year (`2026-27`), else the newest partition."""
    if current_school_year:
        matching = [k for k in partition_keys if current_school_year in k]
        if matching:
            return matching[-1]
    return partition_keys[-1]


def step_timings(log_entries) -> dict[str, dict]:
    """Per step: seconds from STEP_START to its end event, and how it ended.

    A step that starts more than once (a retry) is timed from its first start to its last end, so
    retries count against the step that needed them.
    """
    starts: dict[str, float] = {}
    ends: dict[str, tuple[float, str]] = {}
    for entry in log_entries:
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            starts.setdefault(event.step_key, entry.timestamp)
        elif kind in _STEP_END_EVENTS:
            ends[event.step_key] = (entry.timestamp, _STEP_END_EVENTS[kind])
    timings = {}
    for step_key, (ended_at, status) in ends.items():
        started_at = starts.get(step_key, ended_at)
        timings[step_key] = {"seconds": round(ended_at - started_at, 3), "status": status}
    return timings


def run_span_seconds(log_entries) -> float | None:
    """Seconds from RUN_START to RUN_SUCCESS/RUN_FAILURE as the instance recorded them."""
    started = ended = None
    for entry in log_entries:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "RUN_START":
            started = entry.timestamp
        elif event.event_type_value in ("RUN_SUCCESS", "RUN_FAILURE"):
            ended = entry.timestamp
    return round(ended - started, 3) if started is not None and ended is not None else None


def run(requested_job: str, current_school_year: str | None) -> dict:
    import dagster as dg

    started = time.perf_counter()
    # The module's own definitions, as Dagster's run worker loads them: the code location
    # builds them once, on import.
    from orchestration.definitions import defs

    repository = defs.get_repository_def()
    job_names = [job.name for job in repository.get_all_jobs()]
    definitions_s = time.perf_counter() - started

    job_name = choose_job_name(job_names, requested_job)
    job = defs.get_job_def(job_name)
    partition_key = None
    if job.partitions_def is not None and job_name != FULL_REFRESH:
        partition_key = choose_partition_key(
            list(job.partitions_def.get_partition_keys()), current_school_year
        )

    instance = dg.DagsterInstance.get()
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, partition_key=partition_key
    )
    execute_s = time.perf_counter() - started
    reading_started = time.perf_counter()
    logs = instance.all_logs(result.run_id)
    failures = [event.message for event in result.all_events if event.is_failure]
    outcome = {
        "job": job_name,
        "partition_key": partition_key,
        "jobs_available": job_names,
        "run_id": result.run_id,
        "is_success": result.success,
        "definitions_s": round(definitions_s, 3),
        "execute_s": round(execute_s, 3),
        "run_span_s": run_span_seconds(logs),
        "steps": step_timings(logs),
        "failures": failures[:20],
        "asset_checks_failed": [
            f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:"
            f"{e.asset_check_evaluation_data.check_name}"
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and not e.asset_check_evaluation_data.passed
        ],
    }
    # Reading the run's events back is the benchmark's own work, not the pipeline's: the parent
    # takes it off the process's wall time.
    outcome["measurement_s"] = round(time.perf_counter() - reading_started, 3)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_job")
    parser.add_argument("--job", default=FULL_REFRESH)
    parser.add_argument("--current-school-year", default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    outcome = run(args.job, args.current_school_year)
    args.out.write_text(json.dumps(outcome, indent=2))
    return 0 if outcome["is_success"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
