"""School years as Dagster partitions, declared once and imported by the dbt assets, the jobs
and the schedules.

A partition is a `YYYY-YY` school year, the unit in which the dbt models incremental by school
year recompute (orchestration/dbt/refresh_years.py). The set runs from the district's first
school year to its current one:

- first: `DISTRICT_FIRST_SCHOOL_YEAR` (`YYYY-YY`); else, for the demo district, the first year
  its profile generates; else four years before the current one (five years of history);
- current: `CURRENT_SCHOOL_YEAR` when pinned, else the school year of the day before the
  district's today (the as-of date of a night's SIS drop is the day before it lands).

The set is read from the environment when the code location loads; the first nightly of a new
school year (1 July) needs a reload of the code location (a deploy or `dagster dev` restart) to
see its partition, and the nightly schedule says so instead of running an unknown year.
Rows of years outside the set are still built by every full refresh; they show no status.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.settings import RunSettings
from warehouse.school_year import is_school_year, label_start, school_year_label, school_year_of

FIRST_YEAR_ENV = "DISTRICT_FIRST_SCHOOL_YEAR"
CURRENT_YEAR_ENV = "CURRENT_SCHOOL_YEAR"
DEFAULT_HISTORY_YEARS = 5
"""A real district without DISTRICT_FIRST_SCHOOL_YEAR: the current year and the four before."""


def _setting(env: Mapping[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    if value and not is_school_year(value):
        raise ValueError(f"{name}={value!r} is not a YYYY-YY school year (e.g. 2025-26)")
    return value or None


def current_school_year(
    settings: RunSettings, today: date | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The school year a nightly run recomputes: CURRENT_SCHOOL_YEAR, else that of the day
    before `today` (default the district's today; the demo district's is its generation date)."""
    env = os.environ if env is None else env
    pinned = _setting(env, CURRENT_YEAR_ENV)
    if pinned:
        return pinned
    if today is None or settings.is_demo:
        today = settings.district_today()
    return school_year_of(today - timedelta(days=1))


def school_years(settings: RunSettings, env: Mapping[str, str] | None = None) -> list[str]:
    """The partition keys, oldest first: the district's first school year to its current one."""
    env = os.environ if env is None else env
    last = label_start(current_school_year(settings, env=env))
    first_label = _setting(env, FIRST_YEAR_ENV)
    if first_label:
        first = label_start(first_label)
    elif settings.is_demo:
        from synthetic_district.profiles import get_profile

        first = last - get_profile(settings.demo_profile).school_years + 1
    else:
        first = last - DEFAULT_HISTORY_YEARS + 1
    if first > last:
        raise ValueError(f"{FIRST_YEAR_ENV} {first_label} is after the current school year")
    return [school_year_label(start) for start in range(first, last + 1)]


def all_years_tags(partitions: dg.StaticPartitionsDefinition) -> dict[str, str]:
    """Run tags for one run over every school year (the full refresh): a partition range."""
    keys = partitions.get_partition_keys()
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}


school_year_partitions = dg.StaticPartitionsDefinition(school_years(RunSettings.from_env()))
"""The school years of the code location's district (module docstring)."""
ALL_YEARS_TAGS = all_years_tags(school_year_partitions)
