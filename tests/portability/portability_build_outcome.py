"""What a `dbt build` on another warehouse must show: every node of the project built or passed.

A portability build counts only when every model and seed is built and every data test and unit
test passes; a node skipped because something upstream failed counts as a failure too. The list
of nodes comes from the project's manifest, so a node dbt never reached is noticed as well.
"""

from __future__ import annotations

import json
from pathlib import Path

BUILT_TYPES = ("model", "seed", "test", "unit_test")
OK_STATUSES = ("success", "pass")


def expected_nodes(manifest_path: Path) -> dict[str, str]:
    """unique_id -> resource type of every node `dbt build` runs, from a manifest.json."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    nodes = {
        unique_id: node["resource_type"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in BUILT_TYPES and node["package_name"] == "district"
    }
    nodes.update({unique_id: "unit_test" for unique_id in manifest.get("unit_tests", {})})
    return nodes


def build_failures(expected: dict[str, str], results: dict[str, tuple[str, str | None]]) -> list:
    """Lines naming each expected node that did not end `success`/`pass`, with dbt's message."""
    failures = []
    for unique_id in sorted(expected):
        status, message = results.get(unique_id, ("not run", None))
        if status not in OK_STATUSES:
            detail = " ".join((message or "").split())[:400]
            failures.append(f"{unique_id}: {status} {detail}".rstrip())
    return failures


def run_results(path: Path) -> dict[str, tuple[str, str | None]]:
    """unique_id -> (status, message) from dbt's target/run_results.json."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    return {item["unique_id"]: (item["status"], item.get("message")) for item in payload["results"]}


def count_by_type(expected: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource_type in expected.values():
        counts[resource_type] = counts.get(resource_type, 0) + 1
    return counts
