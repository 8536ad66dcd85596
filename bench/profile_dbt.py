"""`python -m bench.profile_dbt [--workdir DIR] [--top 5]`: why the slow dbt models are slow.

Reads the newest `dbt build` run_results.json in the benchmark workdir, takes the slowest
models, and re-runs each one's compiled SELECT under DuckDB's profiler against the benchmark's
warehouse (read-only, so run it after the benchmark, not during). Writes
`.bench/dbt_profile.json` and prints the models with their costliest operators.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.benchmark import REPO_ROOT
from bench.dbt_timing import compiled_sql, newest_run_results, profile_model, slowest_nodes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_dbt")
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / ".bench" / "work" / "lausd")
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    run_results = newest_run_results(args.workdir / "dbt_target")
    if run_results is None:
        raise SystemExit(f"no dbt run_results.json under {args.workdir / 'dbt_target'}")
    models = [n for n in slowest_nodes(run_results, limit=200) if n["node"].startswith("model.")]
    profiles = []
    for node in models[: args.top]:
        sql = compiled_sql(run_results, node["node"])
        if not sql:
            continue
        profile = profile_model(args.workdir / "warehouse.duckdb", sql)
        profiles.append({**node, "select_seconds": profile["seconds"], **profile})
        print(f"\n{node['node']}: {node['seconds']} s in dbt, {profile['seconds']} s as a SELECT")
        for op in profile["top_operators"]:
            print(
                f"  {op['seconds']:>8.2f} s  {op['operator']:<24} rows={op['rows']}  "
                f"{op['detail'][:90]!r}"
            )
    out = REPO_ROOT / ".bench" / "dbt_profile.json"
    out.write_text(json.dumps({"run_results": str(run_results), "models": profiles}, indent=2))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
