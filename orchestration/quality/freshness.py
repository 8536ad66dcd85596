"""Freshness policies: a raw table or mart not refreshed for a day and a bit is flagged.

The nightly job refreshes everything; the policies tell a data engineer in the morning that a
night was missed even when no run failed (a paused schedule, a drop that never arrived). They
are Dagster `FreshnessPolicy`s, evaluated by the daemon from each asset's last materialization
and shown as the asset's freshness status in the UI: no step of the nightly run pays for them
(they replace the superseded freshness checks and their sensor).

| variable                  | default | the asset is                          |
|---------------------------|---------|---------------------------------------|
| FRESHNESS_MAX_AGE_HOURS   | 26      | WARN when older (one night missed)    |
| FRESHNESS_FAIL_AGE_HOURS  | 50      | FAIL when older (two nights missed)   |
"""

import os
from datetime import timedelta

import dagster as dg

from ingestion.contracts import ALL_TABLES
from orchestration.quality.mart_checks import mart_tables
from orchestration.sources.assets import raw_asset_key


def freshness_policy() -> dg.FreshnessPolicy:
    warn_hours = float(os.environ.get("FRESHNESS_MAX_AGE_HOURS") or 26)
    fail_hours = float(os.environ.get("FRESHNESS_FAIL_AGE_HOURS") or max(50.0, warn_hours))
    if fail_hours < warn_hours:
        raise ValueError(
            f"FRESHNESS_FAIL_AGE_HOURS ({fail_hours}) is below FRESHNESS_MAX_AGE_HOURS "
            f"({warn_hours})"
        )
    return dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=fail_hours), warn_window=timedelta(hours=warn_hours)
    )


def monitored_asset_keys() -> set[dg.AssetKey]:
    """Every raw table and every mart: what the district's users read."""
    keys = {raw_asset_key(t.raw_table) for t in ALL_TABLES}
    return keys | {key for _, _, key in mart_tables()}


def with_freshness_policies(defs: dg.Definitions) -> dg.Definitions:
    """The definitions with the freshness policy on every monitored asset."""
    policy = freshness_policy()
    return defs.map_resolved_asset_specs(
        func=lambda spec: dg.apply_freshness_policy(spec, policy),
        selection=dg.AssetSelection.assets(*monitored_asset_keys()),
    )
