"""A run that fails midway, re-executed from failure, ends with the same warehouse as a clean run.

The failure is a realistic one: a misconfigured BI target makes the publication step fail after
every load, check and dbt model has succeeded. Re-executing from failure (what a data engineer
does from the run page in the UI) runs only the failed step and what depends on it.
"""

from __future__ import annotations

import os

import dagster as dg
import duckdb

COMPARED_SCHEMAS = ("marts", "restricted")
# The variables the session's tiny run sets (tests/conftest.py); cleared so this run sets its own.
RUN_ENV_KEYS = (
    "DISTRICT_SOURCE_MODE",
    "DISTRICT_SOURCES_DIR",
    "WAREHOUSE_PATH",
    "DISTRICT_OUTPUTS_DIR",
    "DEMO_PROFILE",
    "BI_DATABASE_URL",
)


def full_refresh_job():
    """Module-level so Dagster can reconstruct the job for re-execution."""
    from orchestration.definitions import build_definitions

    return build_definitions().resolve_job_def("full_refresh")


def _steps(result, event_type: str) -> set[str]:
    return {e.step_key for e in result.all_events if e.event_type_value == event_type}


# DuckDB's parallel sums of doubles can differ in the last bits between two builds of the same
# data, so doubles are compared to 6 decimals; and where two groups then tie on a value to the
# last bit in one build but not the other, equity_gaps' best group may differ between them.
TIE_DEPENDENT_COLUMNS = {
    "equity_gaps": {"best_group", "best_group_value", "gap_to_best_group"},
}


def _fingerprint(con, schema: str, table: str) -> tuple:
    """Row count and content hash of one table (see the note above on doubles and ties)."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    skipped = TIE_DEPENDENT_COLUMNS.get(table, set())
    expressions = [
        f'round("{name}", 6)' if data_type in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, data_type in columns
        if name not in skipped
    ]
    hashes = ", ".join(f"sum(hash({e}))" for e in expressions)
    return con.execute(f"select count(*), {hashes} from {schema}.{table}").fetchone()


def _fingerprints(path) -> dict[str, tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {COMPARED_SCHEMAS} order by 1, 2"
        ).fetchall()
        return {f"{schema}.{table}": _fingerprint(con, schema, table) for schema, table in tables}
    finally:
        con.close()


def test_reexecution_from_failure_matches_a_clean_run(tiny_pipeline_run, tmp_path, monkeypatch):
    for key in RUN_ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    warehouse = tmp_path / "warehouse" / "district.duckdb"
    monkeypatch.setenv("DISTRICT_SOURCE_MODE", "real")
    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tiny_pipeline_run.sources_dir))
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("DISTRICT_OUTPUTS_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("BI_DATABASE_URL", "mssql://bi.invalid/district")  # unsupported: fails

    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        failed = dg.execute_job(dg.reconstructable(full_refresh_job), instance=instance)
        assert not failed.success
        failed_steps = {
            event.step_key
            for event in failed.all_events
            if event.event_type_value == "STEP_FAILURE"
        }
        assert failed_steps == {"publications__bi_database_and_release"}
        # The release shares the failed step with the BI publication but does not depend on it.
        published = {
            event.asset_key.to_user_string()
            for event in failed.all_events
            if event.event_type_value == "ASSET_MATERIALIZATION"
        }
        assert "publications/open_data_release" in published
        assert "publications/bi_database" not in published

        os.environ.pop("BI_DATABASE_URL")
        retried = dg.execute_job(
            dg.reconstructable(full_refresh_job),
            instance=instance,
            reexecution_options=dg.ReexecutionOptions.from_failure(failed.run_id, instance),
        )
        assert retried.success
        rerun_steps = _steps(retried, "STEP_START")
        assert "publications__bi_database_and_release" in rerun_steps
        assert "district_dbt" not in rerun_steps

    assert _fingerprints(warehouse) == _fingerprints(tiny_pipeline_run.warehouse_path)
