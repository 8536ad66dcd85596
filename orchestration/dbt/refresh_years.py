"""Which school years a `dbt build` recomputes: the run config of the dbt step and its CLI args.

The large per-student-year models (attendance, assessments, course-grade facts) are dbt
incremental models keyed by school year (dbt_project/macros/incremental_school_years.sql). A run
chooses their years here:

- no years (the default, what `full_refresh` runs): `dbt build --full-refresh`, every model and
  every year rebuilt from scratch and every data test run, so the warehouse is exactly what a
  first build makes;
- `current`: the school year of the as-of date (the day before the newest SIS drop), the only
  year a nightly drop carries; `CURRENT_SCHOOL_YEAR` (`YYYY-YY`) pins it instead;
- explicit `YYYY-YY` years: a backfill of those years.

Models that are not incremental (staging views, the small marts, measures, scorecard) are rebuilt
whole on every run either way, so they always read the incremental tables' current content.

No production run executes the dbt unit tests: they test the SQL on fixed inputs, not the
night's data, so they belong with the code (`make test` runs them on every change,
tests/orchestration/test_dbt_unit_tests.py), as dbt's own guidance has it. A run for chosen
years also leaves out the data tests tagged `full_refresh_only` (uniqueness re-scans of
raw-sized staging views whose keys the blocking raw checks have already validated,
dbt_project.yml).
"""

from __future__ import annotations

import json
import os
import re

import dagster as dg
from pydantic import Field

CURRENT = "current"
"""The keyword the dbt macro resolves to the school year of the as-of date."""
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
    years = resolve_school_years(config.school_years, env)
    if not years:
        return ["build", "--full-refresh", "--exclude", "resource_type:unit_test"]
    return [
        "build",
        "--vars",
        json.dumps({"refresh_school_years": years}),
        "--exclude",
        "resource_type:unit_test tag:full_refresh_only",
    ]
