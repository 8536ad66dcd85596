"""School years as partitions: which years the code location offers and which the nightly runs."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.partitions import (
    ALL_YEARS_TAGS,
    current_school_year,
    school_year_partitions,
    school_years,
)
from orchestration.settings import RunSettings


def _settings(monkeypatch, **env: str) -> RunSettings:
    for name in ("DISTRICT_SOURCES_DIR", "DISTRICT_SOURCE_MODE", "DEMO_AS_OF", "DEMO_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return RunSettings.from_env()


def test_the_demo_district_s_partitions_are_the_years_its_profile_generates(monkeypatch):
    # tiny: three school years ending with that of the day before the generation date
    settings = _settings(monkeypatch, DEMO_PROFILE="tiny", DEMO_AS_OF="2026-11-20")
    assert school_years(settings, env={}) == ["2024-25", "2025-26", "2026-27"]
    settings = _settings(monkeypatch, DEMO_PROFILE="demo", DEMO_AS_OF="2026-07-01")
    assert school_years(settings, env={}) == [
        "2021-22",
        "2022-23",
        "2023-24",
        "2024-25",
        "2025-26",
    ]


def test_a_real_district_s_partitions_run_from_its_first_year_to_the_current_one(
    monkeypatch, tmp_path
):
    settings = _settings(monkeypatch, DISTRICT_SOURCES_DIR=str(tmp_path))
    pinned = {"CURRENT_SCHOOL_YEAR": "2026-27"}
    assert school_years(settings, env=pinned) == [
        "2022-23",
        "2023-24",
        "2024-25",
        "2025-26",
        "2026-27",
    ]
    first = {**pinned, "DISTRICT_FIRST_SCHOOL_YEAR": "2019-20"}
    assert school_years(settings, env=first)[:2] == ["2019-20", "2020-21"]
    assert len(school_years(settings, env=first)) == 8
    with pytest.raises(ValueError, match="2019-2020"):
        school_years(settings, env={**pinned, "DISTRICT_FIRST_SCHOOL_YEAR": "2019-2020"})
    with pytest.raises(ValueError, match="after the current"):
        school_years(settings, env={**pinned, "DISTRICT_FIRST_SCHOOL_YEAR": "2027-28"})


def test_the_current_year_is_that_of_the_day_before(monkeypatch, tmp_path):
    settings = _settings(monkeypatch, DISTRICT_SOURCES_DIR=str(tmp_path))
    # the night of 1 July still recomputes the year that ended on 30 June
    assert current_school_year(settings, today=date(2026, 7, 1), env={}) == "2025-26"
    assert current_school_year(settings, today=date(2026, 7, 2), env={}) == "2026-27"
    pinned = {"CURRENT_SCHOOL_YEAR": "2024-25"}
    assert current_school_year(settings, today=date(2026, 7, 2), env=pinned) == "2024-25"


def test_the_full_refresh_tags_name_the_range_of_every_year():
    keys = school_year_partitions.get_partition_keys()
    assert keys == sorted(keys) and len(keys) >= 3
    expected = {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }
    assert expected == ALL_YEARS_TAGS
