"""The dbt project builds on local Spark from the tiny district's raw rows, with the same numbers.

DuckDB writes the reference run's raw tables as Parquet; a separate Python process
(portability_spark_build.py) starts one in-process SparkSession (dbt-spark's `session` method),
registers those files as the tables of `<prefix>raw`, runs `dbt build` on the `spark` target
through dbtRunner in that same process, and exports every table of marts and restricted as
Parquet. Every model, seed, data test and unit test must pass, and every exported table must
hold the same rows as the DuckDB build (floating-point values within SPARK_TOLERANCE). Spark
here is a dialect gate, not a test of distributed execution: local[2], a Derby metastore and
warehouse under the test's temporary directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from portability_build_outcome import build_failures, count_by_type, expected_nodes, run_results
from portability_mart_comparison import Tolerance, compare_all, normalised, reference_tables
from portability_raw_tables import write_raw_parquet

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
SPARK_BUILD = Path(__file__).resolve().with_name("portability_spark_build.py")
SCHEMA_PREFIX = "portability_"
# Spark divides DECIMALs (`100.0 * n / d`, `avg(1.0 * x)`) to six decimal places where DuckDB
# divides doubles: values agree to five decimals or five significant digits, not to the last bit.
SPARK_TOLERANCE = Tolerance(relative=1e-5, absolute=1e-5)
# Spark spends most of each node's time waiting on its driver and metastore, not on the two
# cores: more dbt threads than cores keeps them busy.
SPARK_DBT_THREADS = 4
# Spark's own limit: a build that has not finished by then is stuck, not slow.
TIMEOUT_SECONDS = 1800


def test_dbt_project_builds_on_spark_with_duckdb_numbers(
    reference_warehouse: Path, spark_runtime: None, tmp_path: Path
):
    files = write_raw_parquet(reference_warehouse, tmp_path / "raw_parquet")
    assert files, "no raw tables in the reference warehouse"

    reference, approximate = reference_tables(reference_warehouse)
    assert "marts.school_scorecard" in reference and reference["marts.school_scorecard"].rows

    work_dir = tmp_path / "spark"
    spec = {
        "parquet_dir": str(tmp_path / "raw_parquet"),
        "work_dir": str(work_dir),
        "schema_prefix": SCHEMA_PREFIX,
        "project_dir": str(DBT_PROJECT),
        "export_tables": [SCHEMA_PREFIX + name for name in sorted(reference)],
        "threads": SPARK_DBT_THREADS,
    }
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    log_path = tmp_path / "spark_build.log"
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        completed = subprocess.run(
            [sys.executable, str(SPARK_BUILD), str(spec_path)],
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    elapsed = time.monotonic() - started
    log_tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
    assert completed.returncode == 0, f"the Spark build process failed:\n{log_tail}"
    timings = json.loads((work_dir / "timings.json").read_text(encoding="utf-8"))
    print(f"Spark build process: {elapsed:.0f} s; {timings}")

    target = work_dir / "target"
    expected = expected_nodes(target / "manifest.json")
    print(f"nodes: {count_by_type(expected)}")
    failures = build_failures(expected, run_results(target / "run_results.json"))
    assert failures == [], f"{len(failures)} nodes failed on Spark:\n" + "\n".join(failures[:30])

    built = {}
    export_con = duckdb.connect()
    try:
        for name in reference:
            directory = work_dir / "export" / (SCHEMA_PREFIX + name)
            if not directory.exists():
                continue
            cursor = export_con.execute(
                f"select * from read_parquet('{directory.as_posix()}/*.parquet')"
            )
            columns = [description[0] for description in cursor.description]
            built[name] = normalised(columns, cursor.fetchall())
    finally:
        export_con.close()
    differences = compare_all(reference, built, approximate, SPARK_TOLERANCE, "Spark")
    assert differences == [], "\n".join(differences[:60])
