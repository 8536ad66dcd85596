"""Freshness checks: a raw table or mart not refreshed within a day and a bit is flagged (WARN).

The nightly job refreshes everything; these checks tell a data engineer in the morning that a
night was missed even when no run failed (a paused schedule, a drop that never arrived).
"""

import os
from datetime import timedelta

import dagster as dg

from ingestion.contracts import ALL_TABLES
from orchestration.quality.mart_checks import mart_tables
from orchestration.sources.assets import raw_asset_key


def build_freshness_checks() -> tuple[list[dg.AssetChecksDefinition], dg.SensorDefinition]:
    hours = float(os.environ.get("FRESHNESS_MAX_AGE_HOURS", "26"))
    keys = [raw_asset_key(t.raw_table) for t in ALL_TABLES]
    keys += [key for _, _, key in mart_tables()]
    checks = list(
        dg.build_last_update_freshness_checks(assets=keys, lower_bound_delta=timedelta(hours=hours))
    )
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks, name="freshness_checks_sensor"
    )
    return checks, sensor
