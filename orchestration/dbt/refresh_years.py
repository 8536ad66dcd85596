"""Which school years a `dbt build` recomputes: the dbt step's partitions, as dbt arguments.

Nearly every model whose rows are keyed by school year is a dbt incremental model
(dbt_project/macros/incremental_school_years.sql, README "Incremental by school year"), and the
dbt assets are partitioned by school year (orchestration/partitions.py). A run chooses the
years by the partitions it materializes:

- every partition (what `full_refresh` runs: its tags are the range of all years):
  `dbt build --full-refresh`, every model and every year rebuilt from scratch and every data
  test run, so the warehouse is exactly what a first build makes;
- some partitions (the nightly's current year, or the years of a backfill launched from the
  UI, one run for all of them): those years, passed explicitly as dbt's var
  `refresh_school_years` (`--vars '{"refresh_school_years": ["2025-26"]}'`).

A changed `--vars` makes dbt re-parse the whole project; the dbt step therefore keeps one
partial-parse state per set of years (orchestration/dbt/assets.py), so the nightly finds the
one the previous nightly left.

Models that stay tables (dimensions, the workforce marts from HR's current state, goals) are
rebuilt whole on every run; the incremental ones recompute the chosen years and keep the others.
Data tests of the incremental models validate only the recomputed years
(dbt_project/macros/incremental_test_scope.sql).

No production run executes the dbt unit tests: they test the SQL on fixed inputs, not the
night's data, so they belong with the code (`make test` runs them on every change,
tests/orchestration/test_dbt_unit_tests.py), as dbt's own guidance has it. Nor the staging
uniqueness tests (`unique`, `unique_combination_of_columns` on the raw sources and staging
views): each is a source contract's natural key, which the blocking raw check of that table
validates on every row loaded before dbt starts, and each re-scans a raw-sized table (about
5 s of a Los Angeles full refresh). `make test` runs them on the tiny district and holds the
match between them and the contracts (tests/orchestration/test_dbt_unit_tests.py).

A run for chosen years also leaves out what does not change from night to night: the seeds and
their tests and the views (their definitions change only with a deploy, which a full refresh
follows), and the other staging tests, tagged `full_refresh_only` (dbt_project.yml): their
rows were validated by the night's raw checks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from exports.open_data.policy import min_n_setting
from orchestration.absent_sources import (
    ABSENT_SOURCES_ENV,
    HR_FORMAT_ENV,
    SIS_FORMAT_ENV,
    absent_source_names,
)

REFRESH_YEARS_VAR = "refresh_school_years"
"""The dbt var the macros read the recomputed years from."""
ABSENT_SOURCES_VAR = "absent_sources"
"""The dbt var the scorecard reads the absent sources from (macros/scorecard_absent_sources.sql)."""
MIN_N_VAR = "min_n_reporting"
"""The dbt var of the minimum n (dbt_project.yml's default is exports/open_data/policy.py's)."""
STAGING_TEST_TAG = "full_refresh_only"
"""The tag dbt_project.yml gives every data test of the raw sources and the staging views."""
STAGING_TESTS = f"tag:{STAGING_TEST_TAG}"
KEY_TEST_NAMES = ("unique", "unique_combination_of_columns")
"""The generic tests that state a natural key."""
KEY_TESTS_OF_RAW_CHECKS = " ".join(f"{STAGING_TESTS},test_name:{test}" for test in KEY_TEST_NAMES)
"""The staging tests that repeat a blocking raw check exactly: each source's natural key."""
PRODUCTION_EXCLUDE = f"resource_type:unit_test {KEY_TESTS_OF_RAW_CHECKS}"
"""What every production `dbt build` leaves out (module docstring): dbt's `--exclude` argument."""
CURRENT_YEAR_EXCLUDE = (
    f"{PRODUCTION_EXCLUDE} resource_type:seed config.materialized:view {STAGING_TESTS}"
)
"""What a run for chosen years leaves out besides (module docstring)."""


def refreshed_years(partition_keys: list[str], all_keys: list[str]) -> list[str]:
    """The years a run recomputes, sorted: none (every year, a full refresh) when its
    partitions cover every school year."""
    if set(all_keys) <= set(partition_keys):
        return []
    return sorted(set(partition_keys))


def dbt_build_args(years: list[str], build_vars: dict | None = None) -> list[str]:
    """The `dbt build` arguments for the years (none: a full refresh of every year), with the
    run's other dbt vars (`build_vars`, from `dbt_build_vars`) in the same `--vars`."""
    run_vars = dict(build_vars or {})
    if years:
        run_vars[REFRESH_YEARS_VAR] = years
    vars_args = ["--vars", json.dumps(run_vars, sort_keys=True)] if run_vars else []
    if not years:
        return ["build", "--full-refresh", *vars_args, "--exclude", PRODUCTION_EXCLUDE]
    return ["build", *vars_args, "--exclude", CURRENT_YEAR_EXCLUDE]


def dbt_build_vars(env: Mapping[str, str] | None = None) -> dict:
    """The district settings the `dbt build` reads as dbt vars: the sources it declares absent
    (DISTRICT_ABSENT_SOURCES and the SIS tables its SIS_FORMAT lacks, as the measure catalog
    names them; left out when it has every source) and the minimum n (OPEN_DATA_MIN_N, the
    release's own setting).

    Passed as `--vars`, not through the dbt subprocess's environment, so what a run built with
    is in its logged command line and nothing in this process's environment is written.
    """
    env = os.environ if env is None else env
    absent = absent_source_names(
        env.get(ABSENT_SOURCES_ENV, ""), env.get(SIS_FORMAT_ENV, ""), env.get(HR_FORMAT_ENV, "")
    )
    build_vars: dict = {MIN_N_VAR: min_n_setting(env)}
    if absent:
        build_vars[ABSENT_SOURCES_VAR] = list(absent)
    return build_vars
