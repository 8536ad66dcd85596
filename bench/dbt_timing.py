"""Which dbt models take the time: dbt's run_results.json, and DuckDB's profile of one model.

dagster-dbt writes each `dbt build` into its own target folder; the benchmark points
`DBT_TARGET_PATH` at the workdir so those folders (and their run_results.json) stay with the run
they belong to. `profile_model` re-runs a model's compiled SELECT with DuckDB's JSON profiler on a
read-only warehouse and returns its costliest operators, which is what a fix has to address.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb


def newest_run_results(target_root: Path, command: str = "build") -> Path | None:
    """The newest run_results.json under `target_root` written by `dbt <command>`."""
    found = []
    for path in Path(target_root).rglob("run_results.json"):
        try:
            args = json.loads(path.read_text()).get("args", {})
        except (OSError, json.JSONDecodeError):
            continue
        if args.get("which", command) == command:
            found.append(path)
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def slowest_nodes(run_results: Path, limit: int = 10) -> list[dict]:
    """The `limit` slowest nodes (models, tests, seeds) with seconds and status."""
    results = json.loads(Path(run_results).read_text())["results"]
    nodes = sorted(results, key=lambda r: r.get("execution_time") or 0.0, reverse=True)
    return [
        {
            "node": r["unique_id"],
            "seconds": round(r.get("execution_time") or 0.0, 2),
            "status": r.get("status"),
            "rows": (r.get("adapter_response") or {}).get("rows_affected"),
        }
        for r in nodes[:limit]
    ]


def seconds_by_resource_type(run_results: Path) -> dict[str, float]:
    """Total dbt execution seconds per resource type (model, test, seed, unit_test…)."""
    totals: dict[str, float] = {}
    for result in json.loads(Path(run_results).read_text())["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        totals[kind] = totals.get(kind, 0.0) + (result.get("execution_time") or 0.0)
    return {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def compiled_sql(run_results: Path, unique_id: str) -> str | None:
    for result in json.loads(Path(run_results).read_text())["results"]:
        if result["unique_id"] == unique_id:
            return result.get("compiled_code")
    return None


def _operators(node: dict, depth: int = 0) -> list[dict]:
    """Flatten DuckDB's JSON profile tree (2.0 keys, with the 1.x names as a fallback)."""
    found = []
    name = node.get("type") or node.get("operator_name") or node.get("operator_type")
    if name:
        found.append(
            {
                "operator": str(name).strip(),
                "seconds": round(node.get("timing", node.get("operator_timing", 0.0)), 3),
                "rows": node.get("intermediate_rows", node.get("operator_cardinality")),
                "depth": depth,
                "detail": json.dumps(node.get("extra_info", ""))[:200],
            }
        )
    for child in node.get("children", []):
        found += _operators(child, depth + 1)
    return found


def profile_model(warehouse_path: Path, sql: str, top: int = 6) -> dict:
    """Materialise `sql` once under DuckDB's profiler; its total and costliest operators.

    The result goes into a temporary table (allowed on a read-only database), so every column is
    computed as the model computes it; a `count(*)` over the query would let DuckDB prune work.
    """
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "profile.json"
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            con.execute("set enable_progress_bar = false")
            con.execute("set enable_profiling = 'json'")
            con.execute(f"set profiling_output = '{output}'")
            con.execute(f"create temp table profiled_model as {sql}").fetchall()
            con.execute("set enable_profiling = 'no_output'")
        finally:
            con.close()
        profile = json.loads(output.read_text())
    roots = profile.get("operator") or profile.get("children") or []
    operators = sorted(
        (op for root in roots for op in _operators(root)), key=lambda o: o["seconds"], reverse=True
    )
    total = (profile.get("query") or {}).get("total_time", profile.get("latency", 0.0))
    return {"seconds": round(total, 3), "top_operators": operators[:top]}
