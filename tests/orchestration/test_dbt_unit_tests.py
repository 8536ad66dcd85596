"""The dbt tests no production build runs pass on DuckDB, and those left out are repeats.

Production runs leave out the unit tests (the hand-worked measure tests) and the staging key
tests (orchestration/dbt/refresh_years.py). The unit tests test the SQL on fixed inputs, so they
run here, with the code, on every change. The key tests repeat, row for row, the natural-key
rule of a blocking raw check; they run here on the tiny district, and every one of them must be
the key of its table's source contract, or leaving it out of production would lose a check.
dbt reads the column types of each tested model's inputs from the warehouse, so the tests run on
a copy of the tiny district's built warehouse.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from ingestion.contracts import ALL_TABLES
from orchestration.dbt.project import DBT_PROJECT_DIR, district_dbt_project
from orchestration.dbt.refresh_years import (
    KEY_TEST_NAMES,
    KEY_TESTS_OF_RAW_CHECKS,
    STAGING_TEST_TAG,
)


def _staging_key_tests(manifest: dict) -> dict[str, dict]:
    """The manifest's staging tests named in KEY_TESTS_OF_RAW_CHECKS, by unique id."""
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and STAGING_TEST_TAG in node["tags"]
        and (node.get("test_metadata") or {}).get("name") in KEY_TEST_NAMES
    }


def _tested_raw_table(node: dict) -> str:
    """The raw table a staging test reads: its source, or the raw table its view renames."""
    for parent in node["depends_on"]["nodes"]:
        kind, _, *_, name = parent.split(".")
        if kind == "source":
            return name
        if kind == "model" and name.startswith("stg_"):
            return name.removeprefix("stg_")
    raise AssertionError(f"{node['unique_id']} reads neither a source nor a staging view")


def _tested_columns(node: dict) -> set[str]:
    kwargs = node["test_metadata"]["kwargs"]
    return set(kwargs.get("combination_of_columns") or [kwargs["column_name"]])


def test_every_staging_key_test_is_the_key_of_a_source_contract():
    manifest = json.loads(district_dbt_project.manifest_path.read_text())
    key_tests = _staging_key_tests(manifest)
    keys = {contract.raw_table: set(contract.key) for contract in ALL_TABLES}
    assert len(key_tests) >= 20
    mismatched = {
        unique_id: (_tested_raw_table(node), _tested_columns(node))
        for unique_id, node in key_tests.items()
        if keys.get(_tested_raw_table(node)) != _tested_columns(node)
    }
    assert not mismatched, f"staging key tests that no blocking raw check repeats: {mismatched}"


def test_tests_left_out_of_production_pass_on_duckdb(tiny_pipeline_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_pipeline_run.warehouse_path, warehouse)
    target = tmp_path / "target"
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    selection = ["test_type:unit", *shlex.split(KEY_TESTS_OF_RAW_CHECKS)]
    completed = subprocess.run(
        [dbt, "test", "--select", *selection, "--profiles-dir", "."],
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            "WAREHOUSE_PATH": str(warehouse),
            "DBT_TARGET_PATH": str(target),
            "DBT_LOG_PATH": str(target),
        },
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    expected = set(manifest["unit_tests"]) | set(_staging_key_tests(manifest))
    assert {r["unique_id"] for r in results} == expected
    assert len(manifest["unit_tests"]) >= 60
    assert {r["status"] for r in results} == {"pass"}
