"""The dbt unit tests (the hand-worked measure tests) pass on DuckDB.

Production runs leave them out (orchestration/dbt/refresh_years.py): they test the SQL on
fixed inputs, so they run here, with the code, on every change. dbt reads the column types of
each tested model's inputs from the warehouse, so they run on a copy of the tiny district's
built warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.dbt.project import DBT_PROJECT_DIR


def test_every_dbt_unit_test_passes_on_duckdb(tiny_pipeline_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_pipeline_run.warehouse_path, warehouse)
    target = tmp_path / "target"
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    completed = subprocess.run(
        [dbt, "test", "--select", "test_type:unit", "--profiles-dir", "."],
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
    assert {r["unique_id"] for r in results} == set(manifest["unit_tests"])
    assert len(results) >= 60
    assert {r["status"] for r in results} == {"pass"}
