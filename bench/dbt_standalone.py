"""`python -m bench.dbt_standalone [--workdir DIR]`: time `dbt build` alone on a loaded warehouse.

When a blocking quality check stops the job before dbt (a source that breaks its contract), the
job's timings hold no dbt stage at all. This runs the same `dbt build` dagster-dbt runs, directly,
on the warehouse the benchmark's full refresh loaded, and measures its time and memory the same
way, so the cost of the models at this size is still known. It adds `dbt_standalone` to the
profile's results file (and `.bench/results.json` when that file is for the same profile).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from bench.benchmark import REPO_ROOT, WorkPaths, pipeline_environment
from bench.dbt_timing import newest_run_results, seconds_by_resource_type, slowest_nodes
from bench.process_tree import run_measured


def time_dbt_build(paths: WorkPaths, max_rss_mb: float | None = None) -> dict:
    label = "dbt_standalone"
    shutil.rmtree(paths.dbt_target / label, ignore_errors=True)
    env = pipeline_environment(paths, label)
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    args = [
        dbt,
        "build",
        "--profiles-dir",
        str(REPO_ROOT / "dbt_project"),
        "--project-dir",
        str(REPO_ROOT / "dbt_project"),
        "--target-path",
        env["DBT_TARGET_PATH"],
    ]
    child = run_measured(args, env, paths.logs / f"{label}.log", max_rss_mb=max_rss_mb)
    outcome = {
        "is_stopped_for_memory": child.is_stopped_for_memory,
        "returncode": child.returncode,
        "wall_s": round(child.seconds, 2),
        "peak_rss_mb": child.peak_tree_rss_mb,
    }
    run_results = newest_run_results(paths.dbt_target / label)
    if run_results:
        outcome.update(
            dbt_run_results=str(run_results),
            dbt_seconds_by_type=seconds_by_resource_type(run_results),
            dbt_slowest=slowest_nodes(run_results, limit=15),
        )
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dbt_standalone")
    parser.add_argument("--profile", default="lausd")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--max-rss-gb", type=float, default=16.0)
    args = parser.parse_args(argv)
    workdir = args.workdir or REPO_ROOT / ".bench" / "work" / args.profile
    outcome = time_dbt_build(WorkPaths(workdir), max_rss_mb=args.max_rss_gb * 1024 or None)
    print(json.dumps(outcome, indent=2))
    for results_file in (
        REPO_ROOT / ".bench" / f"results-{args.profile}.json",
        REPO_ROOT / ".bench" / "results.json",
    ):
        if results_file.exists():
            results = json.loads(results_file.read_text())
            if results.get("profile") == args.profile:
                results["dbt_standalone"] = outcome
                results_file.write_text(json.dumps(results, indent=2, default=str))
    return 0 if outcome["returncode"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
