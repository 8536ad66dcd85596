"""Build the dbt project on local in-process Spark, from raw tables written as Parquet.

Run as a script in its own process (the portability test starts it), so the JVM, Spark's
metastore and dbt's global state live and die with it:

    python tests/portability/portability_spark_build.py SPEC.json

SPEC.json names the Parquet directory of the raw tables, a work directory (Spark warehouse and
metastore), the schema prefix, dbt's project directory and the tables to export after the build
(optional: "threads", and "select" to build part of the project again in a work directory kept
from an earlier run). The script starts one SparkSession, registers every raw table in
`<prefix>raw`, runs `dbt build` through dbtRunner in this same process (dbt-spark's session
method then finds that session and its catalog) and exports the listed tables as Parquet for
the test to compare. dbt leaves its per-node results in `<work>/target/run_results.json`, the
script its timings in `<work>/timings.json`. Exit status 0 whatever dbt's outcome: the test
reads the results and says what failed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path


def start_spark(work_dir: Path):
    """A local Spark session whose warehouse and Derby metastore live under `work_dir`."""
    from pyspark.sql import SparkSession

    metastore = work_dir / "metastore_db"
    return (
        SparkSession.builder.master("local[2]")
        .appName("district-dbt-portability")
        .config("spark.sql.warehouse.dir", str(work_dir / "spark-warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={metastore};create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}")
        # Tiny tables: a handful of shuffle partitions instead of 200 tasks per exchange.
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Spark 4 in local mode fails to deserialize a broadcast plan holding a UNION under
        # adaptive execution (ClassCastException on UnionExec.children): the same setting as
        # profiles.yml's spark target, and tables this small gain nothing from it anyway.
        .config("spark.sql.adaptive.enabled", "false")
        # Hundreds of tiny queries: compiling generated code costs more than it saves.
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .enableHiveSupport()
        .getOrCreate()
    )


def register_raw_tables(spark, parquet_dir: Path, raw_schema: str) -> list[str]:
    """One external Parquet table per subdirectory of `parquet_dir`, in `raw_schema`."""
    spark.sql(f"create database if not exists {raw_schema}")
    tables = sorted(path.name for path in parquet_dir.iterdir() if path.is_dir())
    for table in tables:
        spark.sql(
            f"create table if not exists {raw_schema}.{table} using parquet "
            f"location '{(parquet_dir / table).as_posix()}'"
        )
    return tables


def run_dbt_build(project_dir: Path, work_dir: Path, threads: int, select: list[str]) -> None:
    """`dbt build` on the spark target; dbt writes run_results.json under `<work>/target`."""
    from dbt.cli.main import dbtRunner

    selection = ["--select", *select] if select else []
    result = dbtRunner().invoke(
        [
            "build",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target",
            "spark",
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--threads",
            str(threads),
            *selection,
        ]
    )
    if result.result is None:
        raise RuntimeError(f"dbt build did not run: {result.exception}")


def export_tables(spark, tables: list[str], export_dir: Path) -> None:
    """Each `schema.table` that exists written as one Parquet directory named after it."""
    for qualified in tables:
        if spark.catalog.tableExists(qualified):
            spark.table(qualified).coalesce(1).write.mode("overwrite").parquet(
                str(export_dir / qualified)
            )


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    work_dir = Path(spec["work_dir"])
    work_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DBT_TARGET"] = "spark"
    os.environ["DBT_SCHEMA_PREFIX"] = spec["schema_prefix"]
    timings: dict[str, float] = {}
    started = time.monotonic()
    spark = start_spark(work_dir)
    spark.sparkContext.setLogLevel("ERROR")
    # dbt reports every failed statement itself; pyspark's own copy is a JVM stack trace.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    timings["spark_start_seconds"] = time.monotonic() - started
    started = time.monotonic()
    register_raw_tables(spark, Path(spec["parquet_dir"]), spec["schema_prefix"] + "raw")
    timings["register_seconds"] = time.monotonic() - started
    started = time.monotonic()
    run_dbt_build(
        Path(spec["project_dir"]), work_dir, spec.get("threads", 2), spec.get("select", [])
    )
    timings["dbt_build_seconds"] = time.monotonic() - started
    started = time.monotonic()
    export_tables(spark, spec.get("export_tables", []), work_dir / "export")
    timings["export_seconds"] = time.monotonic() - started
    (work_dir / "timings.json").write_text(
        json.dumps({key: round(value, 1) for key, value in timings.items()}), encoding="utf-8"
    )
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
