"""The nightly run recomputes only the current school year; a past year can be backfilled.

On a copy of the tiny district's warehouse (built once by the session's full refresh), rows of
every incremental model (the set is read from dbt's manifest, so it cannot go stale) are
tampered with, then the dbt step runs the incremental models for the school-year partitions of
each kind of run: the current year's partition (the nightly) must restore the current year and
leave the past years exactly as they were (tampered rows included: proof they were not
recomputed), a past year's partition (a backfill) restores the one past year asked for, and
`full_refresh` (its tags: the range of every partition) gives back the content of the original
build.

Tampering: one row of every incremental model is deleted in the current year before the nightly
run, and in the two past years in the models whose past rows nothing reads (a past year's rows
feed the next year's change from last year, so a tampered past year must not sit under a
recomputed one);
one attendance fact row of each of the three years also gets an impossible `days_enrolled`.
The past year left untouched is the earliest; the backfilled year is tampered with only after
the nightly run, which reads it as the current year's year before.
"""

from __future__ import annotations

import json
import shlex
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.refresh_years import (
    CURRENT_YEAR_EXCLUDE,
    PRODUCTION_EXCLUDE,
    REFRESH_YEARS_VAR,
    dbt_build_args,
    refreshed_years,
)
from orchestration.jobs import full_refresh_job
from orchestration.partitions import school_year_partitions


def _incremental_models() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(schema, table) of every model incremental by school year, and those safe to tamper with
    in a past year: no model reads them, nor do they read their own past years."""
    manifest = json.loads(district_dbt_project.manifest_path.read_text())
    incremental = {
        unique_id: (node["schema"], node["alias"] or node["name"])
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["config"]["materialized"] == "incremental"
        and node["config"].get("unique_key") == "school_year"
    }
    read_by_a_model = {
        parent
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for parent in node["depends_on"]["nodes"]
    }
    # a model that reads last year from its own table (incremental_with_prior_year_rows) would
    # carry a tampered past year into the next year it recomputes
    leaves = {
        table
        for unique_id, table in incremental.items()
        if unique_id not in read_by_a_model
        and "incremental_with_prior_year_rows" not in manifest["nodes"][unique_id]["raw_code"]
    }
    return set(incremental.values()), leaves


INCREMENTAL_MODELS, LEAF_INCREMENTAL_MODELS = _incremental_models()
ENV_KEYS = (
    "DISTRICT_SOURCE_MODE",
    "DISTRICT_SOURCES_DIR",
    "WAREHOUSE_PATH",
    "DISTRICT_OUTPUTS_DIR",
    "DEMO_PROFILE",
    "DAGSTER_HOME",
)
ATTENDANCE_FACT = "restricted.fct_student_school_year_attendance"
TAMPERED_DAYS = -1
"""No real row has -1 days enrolled: a row holding it was not recomputed since it was set."""


# -- the run config and the dbt arguments ------------------------------------------------------


def test_every_year_is_a_full_refresh_of_every_model():
    every = ["2024-25", "2025-26", "2026-27"]
    assert refreshed_years(every, every) == []
    assert dbt_build_args([]) == ["build", "--full-refresh", "--exclude", PRODUCTION_EXCLUDE]
    assert PRODUCTION_EXCLUDE.split()[0] == "resource_type:unit_test"
    assert CURRENT_YEAR_EXCLUDE.startswith(PRODUCTION_EXCLUDE)


def test_chosen_years_reach_dbt_as_its_var():
    every = ["2024-25", "2025-26", "2026-27"]
    assert refreshed_years(["2026-27", "2024-25"], every) == ["2024-25", "2026-27"]
    assert dbt_build_args(["2024-25", "2026-27"]) == [
        "build",
        "--vars",
        json.dumps({REFRESH_YEARS_VAR: ["2024-25", "2026-27"]}),
        "--exclude",
        CURRENT_YEAR_EXCLUDE,
    ]


def test_the_set_of_incremental_models_is_read_from_the_manifest():
    assert ("restricted", "fct_student_school_year_attendance") in INCREMENTAL_MODELS
    assert ("marts", "school_scorecard") in INCREMENTAL_MODELS
    assert ("marts", "equity_gaps") in LEAF_INCREMENTAL_MODELS
    assert LEAF_INCREMENTAL_MODELS < INCREMENTAL_MODELS


# -- the jobs on the tiny district -------------------------------------------------------------


def _year_fingerprints(path: Path) -> dict[tuple[str, str], tuple]:
    """(model, school year) -> row count and an order-independent hash of the rows.

    Doubles are rounded to 6 places: a sum over a different row order may differ in the last bit.
    """
    con = duckdb.connect(str(path), read_only=True)
    try:
        prints = {}
        for schema, table in sorted(INCREMENTAL_MODELS):
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            hashed = ", ".join(
                f'round("{name}", 6)' if kind == "DOUBLE" else f'"{name}"' for name, kind in columns
            )
            for year, rows, digest in con.execute(
                f"select school_year, count(*), sum(hash({hashed})) "
                f"from {schema}.{table} group by school_year"
            ).fetchall():
                prints[(f"{schema}.{table}", year)] = (rows, digest)
        return prints
    finally:
        con.close()


def _current_school_year(path: Path) -> str:
    """The school year of the day before the newest SIS drop (the as-of date), worked out here."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        (drop_date,) = con.execute("select max(_drop_date) from raw.sis__enrollments").fetchone()
    finally:
        con.close()
    as_of: date = drop_date - timedelta(days=1)
    start = as_of.year if as_of.month >= 7 else as_of.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _tamper_one_row(path: Path, school_year: str) -> tuple[str, str]:
    """Set days_enrolled of one attendance fact row of the year to -1; return its key."""
    con = duckdb.connect(str(path))
    try:
        student_id, school_code = con.execute(
            f"select student_id, school_code from {ATTENDANCE_FACT} where school_year = ? "
            "order by student_id, school_code limit 1",
            [school_year],
        ).fetchone()
        con.execute(
            f"update {ATTENDANCE_FACT} set days_enrolled = ? "
            "where student_id = ? and school_code = ? and school_year = ?",
            [TAMPERED_DAYS, student_id, school_code, school_year],
        )
        return student_id, school_code
    finally:
        con.close()


def _delete_one_row_per_model(path: Path, models: set[tuple[str, str]], school_year: str) -> int:
    """Delete one row of the school year from each model; return how many were deleted.

    The attendance fact is left out: its row with an impossible `days_enrolled` is read back.
    """
    con = duckdb.connect(str(path))
    try:
        deleted = 0
        for schema, table in sorted(models):
            if f"{schema}.{table}" == ATTENDANCE_FACT:
                continue
            (count,) = con.execute(
                f"delete from {schema}.{table} where rowid = ("
                f"select min(rowid) from {schema}.{table} where school_year = ?)",
                [school_year],
            ).fetchone()
            deleted += count
        return deleted
    finally:
        con.close()


def _days_enrolled(path: Path, key: tuple[str, str], school_year: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            f"select days_enrolled from {ATTENDANCE_FACT} "
            "where student_id = ? and school_code = ? and school_year = ?",
            [*key, school_year],
        ).fetchone()[0]
    finally:
        con.close()


@dataclass
class Runs:
    """Fingerprints and tampered rows at each step of the sequence the tests read."""

    warehouse: Path
    current_year: str
    backfill_year: str
    untouched_year: str
    tampered: dict[str, tuple[str, str]]
    original: dict
    before_nightly: dict
    after_nightly: dict
    days_after_nightly: dict[str, int]
    before_backfill: dict
    after_backfill: dict
    days_after_backfill: dict[str, int]
    after_full_refresh: dict
    dbt_args: dict[str, list[str]]


def _incremental_asset_keys(defs: dg.Definitions) -> list[dg.AssetKey]:
    keys = [dg.AssetKey([schema, table]) for schema, table in sorted(INCREMENTAL_MODELS)]
    known = defs.resolve_asset_graph().get_all_asset_keys()
    assert set(keys) <= known
    return keys


def _run(resources, keys, partition_key=None, tags=None) -> list[str]:
    """Materialize the incremental models for a partition (or the partition range the tags
    name); return the dbt step's command.

    The dbt multi-asset runs alone (`materialize`): the jobs' other steps (loads, the mart
    suites, exports) have nothing to do with which years dbt recomputes. The command is returned
    as logged: `NAME=value` environment tokens first, then `dbt build …`.
    """
    from orchestration.dbt.assets import district_dbt_models

    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [district_dbt_models],
            selection=keys,
            partition_key=partition_key,
            tags=tags,
            resources=resources,
            instance=instance,
            raise_on_error=False,
        )
        failures = [event.message for event in result.all_events if event.is_failure]
        assert result.success, "\n".join(failures[:5])
        logged = [
            record.user_message
            for record in instance.all_logs(result.run_id)
            if " dbt build" in f" {record.user_message}"
        ]
    assert logged, "the dbt step logged no dbt command"
    return shlex.split(logged[0])


def _refresh_years_var(command: list[str]) -> list[str] | None:
    """The years the dbt command passes in `--vars`, None when it passes none (a full refresh
    passes its other vars: the warehouse path and the minimum n)."""
    if "--vars" not in command:
        return None
    return json.loads(command[command.index("--vars") + 1]).get(REFRESH_YEARS_VAR)


@pytest.fixture(scope="module")
def runs(tiny_pipeline_run, tmp_path_factory) -> Runs:
    assert tiny_pipeline_run.result.success, "the session's full refresh failed"
    root = tmp_path_factory.mktemp("current_year")
    env = dict(
        zip(
            ENV_KEYS,
            (
                "demo",
                str(root / "sources"),
                str(root / "warehouse" / "district.duckdb"),
                str(root / "outputs"),
                "tiny",
                str(root / "dagster_home"),
            ),
            strict=True,
        )
    )
    warehouse = Path(env["WAREHOUSE_PATH"])
    warehouse.parent.mkdir(parents=True)
    shutil.copy(tiny_pipeline_run.warehouse_path, warehouse)
    shutil.copytree(tiny_pipeline_run.sources_dir, root / "sources")
    Path(env["DAGSTER_HOME"]).mkdir(parents=True)

    current = _current_school_year(warehouse)
    original = _year_fingerprints(warehouse)
    years = sorted({year for (model, year) in original if model == ATTENDANCE_FACT})
    past = [year for year in years if year < current]
    assert current in years and len(past) >= 2, f"tiny district years {years}, current {current}"
    untouched, backfill = past[0], past[-1]

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("CURRENT_SCHOOL_YEAR", raising=False)
        from orchestration.definitions import build_definitions

        defs = build_definitions()
        keys = _incremental_asset_keys(defs)
        # The dbt step's resources, as the definitions configure them (the warehouse for the
        # table metadata read after dbt exits).
        dbt_resources = {key: defs.resources[key] for key in ("dbt", "warehouse")}
        tampered = {
            year: _tamper_one_row(warehouse, year) for year in (untouched, backfill, current)
        }
        assert _delete_one_row_per_model(warehouse, INCREMENTAL_MODELS, current) > 10
        assert _delete_one_row_per_model(warehouse, LEAF_INCREMENTAL_MODELS, untouched) > 0
        before_nightly = _year_fingerprints(warehouse)

        assert {untouched, backfill, current} <= set(school_year_partitions.get_partition_keys())
        args = {"nightly": _run(dbt_resources, keys, partition_key=current)}
        after_nightly = _year_fingerprints(warehouse)
        days_after_nightly = {y: _days_enrolled(warehouse, k, y) for y, k in tampered.items()}

        assert _delete_one_row_per_model(warehouse, LEAF_INCREMENTAL_MODELS, backfill) > 0
        before_backfill = _year_fingerprints(warehouse)
        args["backfill"] = _run(dbt_resources, keys, partition_key=backfill)
        after_backfill = _year_fingerprints(warehouse)
        days_after_backfill = {y: _days_enrolled(warehouse, k, y) for y, k in tampered.items()}

        args["full_refresh"] = _run(dbt_resources, keys, tags=full_refresh_job.tags)
        after_full_refresh = _year_fingerprints(warehouse)

    return Runs(
        warehouse,
        current,
        backfill,
        untouched,
        tampered,
        original,
        before_nightly,
        after_nightly,
        days_after_nightly,
        before_backfill,
        after_backfill,
        days_after_backfill,
        after_full_refresh,
        args,
    )


def _of_year(prints: dict, year: str) -> dict:
    return {key: value for key, value in prints.items() if key[1] == year}


def _other_years(prints: dict, year: str) -> dict:
    return {key: value for key, value in prints.items() if key[1] != year}


def test_each_partition_s_dbt_command_names_its_year(runs):
    assert _refresh_years_var(runs.dbt_args["nightly"]) == [runs.current_year]
    assert _refresh_years_var(runs.dbt_args["backfill"]) == [runs.backfill_year]
    assert runs.dbt_args["nightly"][: runs.dbt_args["nightly"].index("dbt")] == []
    assert _refresh_years_var(runs.dbt_args["full_refresh"]) is None
    assert "--full-refresh" in runs.dbt_args["full_refresh"]


def test_nightly_leaves_past_years_untouched(runs):
    # every past-year row of every incremental model is as it was before the run, tampering included
    assert _other_years(runs.after_nightly, runs.current_year) == _other_years(
        runs.before_nightly, runs.current_year
    )
    assert _other_years(runs.before_nightly, runs.current_year) != _other_years(
        runs.original, runs.current_year
    )
    assert runs.days_after_nightly[runs.untouched_year] == TAMPERED_DAYS
    assert runs.days_after_nightly[runs.backfill_year] == TAMPERED_DAYS


def test_nightly_recomputes_the_current_year(runs):
    assert runs.days_after_nightly[runs.current_year] > 0
    assert _of_year(runs.after_nightly, runs.current_year) == _of_year(
        runs.original, runs.current_year
    )
    assert _of_year(runs.after_nightly, runs.current_year)


def test_backfill_recomputes_only_the_year_asked_for(runs):
    assert runs.days_after_backfill[runs.backfill_year] > 0
    assert runs.days_after_backfill[runs.untouched_year] == TAMPERED_DAYS
    assert _of_year(runs.before_backfill, runs.backfill_year) != _of_year(
        runs.original, runs.backfill_year
    )
    assert _of_year(runs.after_backfill, runs.backfill_year) == _of_year(
        runs.original, runs.backfill_year
    )
    assert _other_years(runs.after_backfill, runs.backfill_year) == _other_years(
        runs.before_backfill, runs.backfill_year
    )


def test_full_refresh_gives_back_the_original_build(runs):
    assert runs.after_full_refresh == runs.original
