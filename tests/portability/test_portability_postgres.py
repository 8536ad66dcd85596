"""The dbt project builds on PostgreSQL from the tiny district's raw rows, with the same numbers.

The raw tables of the DuckDB reference run are copied into `<prefix>raw` on the local PostgreSQL
(localhost:5432, database test; the prefix is this test's own and dropped afterwards), `dbt build`
runs on the `postgres` target (seeds, every model, every data test and unit test), and every
table of marts and restricted must hold the same rows as the DuckDB build (floating-point values
to nine significant digits).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from portability_build_outcome import build_failures, count_by_type, expected_nodes, run_results
from portability_mart_comparison import Tolerance, compare_all, postgres_tables, reference_tables
from portability_postgres import dbt_postgres_environment, postgres_conninfo
from portability_raw_tables import copy_raw_to_postgres

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
# Doubles summed in another order differ in the last bits; nothing else may differ.
POSTGRES_TOLERANCE = Tolerance(relative=1e-9, absolute=1e-9)


def test_dbt_project_builds_on_postgres_with_duckdb_numbers(
    reference_warehouse: Path, postgres_schema_prefix: str, tmp_path: Path
):
    conninfo = postgres_conninfo()
    copied = copy_raw_to_postgres(reference_warehouse, conninfo, postgres_schema_prefix + "raw")
    assert copied and all(rows > 0 for rows in copied.values()), copied

    env = {**os.environ, **dbt_postgres_environment(postgres_schema_prefix)}
    target = tmp_path / "target"
    started = time.monotonic()
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(target),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"dbt build on PostgreSQL: {time.monotonic() - started:.0f} s")
    assert (target / "run_results.json").exists(), completed.stdout[-3000:] + completed.stderr

    expected = expected_nodes(target / "manifest.json")
    print(f"nodes: {count_by_type(expected)}")
    failures = build_failures(expected, run_results(target / "run_results.json"))
    assert failures == [], f"{len(failures)} nodes failed on PostgreSQL:\n" + "\n".join(
        failures[:30]
    )

    reference, approximate = reference_tables(reference_warehouse)
    assert "marts.school_scorecard" in reference and reference["marts.school_scorecard"].rows
    with psycopg.connect(conninfo) as conn:
        built = postgres_tables(conn, postgres_schema_prefix, reference)
    differences = compare_all(reference, built, approximate, POSTGRES_TOLERANCE, "PostgreSQL")
    assert differences == [], "\n".join(differences[:60])
