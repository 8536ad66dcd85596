"""Which school years a `dbt build` recomputes: the dbt step's run config, CLI args and env.

Nearly every model whose rows are keyed by school year is a dbt incremental model
(dbt_project/macros/incremental_school_years.sql, README "Incremental by school year"). A run
chooses their years here:

- no years (the default, what `full_refresh` runs): `dbt build --full-refresh`, every model and
  every year rebuilt from scratch and every data test run, so the warehouse is exactly what a
  first build makes;
- `current`: the school year of the as-of date (the day before the newest SIS drop), the only
  year a nightly drop carries; `CURRENT_SCHOOL_YEAR` (`YYYY-YY`) pins it instead;
- explicit `YYYY-YY` years: a backfill of those years.

The years reach dbt in the environment variable DBT_REFRESH_SCHOOL_YEARS (comma-separated),
which the macros read only while nodes run. The same years given with `--vars` would change
dbt's parse inputs, and dbt re-parses the whole project when its vars change (several seconds
at every run that follows a full refresh); an environment variable read at run time keeps the
saved partial parse valid. `--vars '{refresh_school_years: [...]}'` still works from a shell.

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

import os
import re

import dagster as dg
from pydantic import Field

from orchestration.absent_sources import (
    ABSENT_SOURCES_DBT_ENV,
    ABSENT_SOURCES_ENV,
    absent_source_names,
)

CURRENT = "current"
"""The keyword the dbt macro resolves to the school year of the as-of date."""
REFRESH_YEARS_ENV = "DBT_REFRESH_SCHOOL_YEARS"
"""The environment variable the dbt macros read the recomputed years from (comma-separated)."""
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
SCHOOL_YEAR_PATTERN = re.compile(r"\d{4}-\d{2}")


class SchoolYearsConfig(dg.Config):
    """Run config of the dbt step: the school years its incremental models recompute."""

    school_years: list[str] = Field(
        default=[],
        description=(
            "Empty: rebuild every year (--full-refresh). Otherwise `YYYY-YY` years and/or "
            "`current` (the as-of date's school year): only those years are recomputed."
        ),
    )


def resolve_school_years(requested: list[str], env: dict[str, str] | None = None) -> list[str]:
    """Validate the requested years; `current` becomes CURRENT_SCHOOL_YEAR when that is set."""
    env = os.environ if env is None else env
    pinned = (env.get("CURRENT_SCHOOL_YEAR") or "").strip()
    resolved = []
    for year in (item.strip() for item in requested):
        if year == CURRENT and pinned:
            year = pinned
        if year != CURRENT and not SCHOOL_YEAR_PATTERN.fullmatch(year):
            raise dg.Failure(f"school year {year!r} is neither YYYY-YY nor {CURRENT!r}")
        if year not in resolved:
            resolved.append(year)
    return resolved


def dbt_build_args(config: SchoolYearsConfig, env: dict[str, str] | None = None) -> list[str]:
    """The `dbt build` arguments for the years the run config asks for."""
    if not resolve_school_years(config.school_years, env):
        return ["build", "--full-refresh", "--exclude", PRODUCTION_EXCLUDE]
    return ["build", "--exclude", CURRENT_YEAR_EXCLUDE]


def dbt_build_env(config: SchoolYearsConfig, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the `dbt build` needs: the years to recompute, none for a full refresh,
    and the sources the district declares absent (DISTRICT_ABSENT_SOURCES, as the measure
    catalog names them), none when it has every source."""
    env = os.environ if env is None else env
    years = resolve_school_years(config.school_years, env)
    absent = absent_source_names(env.get(ABSENT_SOURCES_ENV, ""))
    return {
        **({REFRESH_YEARS_ENV: ",".join(years)} if years else {}),
        **({ABSENT_SOURCES_DBT_ENV: ",".join(absent)} if absent else {}),
    }
