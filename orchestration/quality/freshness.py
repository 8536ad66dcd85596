"""Freshness policies: a raw table or mart not refreshed for a day and a bit is flagged.

The nightly job refreshes everything; the policies tell a data engineer in the morning that a
night was missed even when no run failed (a paused schedule, a drop that never arrived). They
are Dagster `FreshnessPolicy`s, evaluated by the daemon from each asset's last materialization
and shown as the asset's freshness status in the UI: no step of the nightly run pays for them
(they replace the superseded freshness checks and their sensor). The raw tables' specs carry
the policy (orchestration/sources/assets.py), and the translator gives it to every model in
the published schemas (orchestration/dbt/translator.py).

| variable                  | default | the asset is                          |
|---------------------------|---------|---------------------------------------|
| FRESHNESS_MAX_AGE_HOURS   | 26      | WARN when older (one night missed)    |
| FRESHNESS_FAIL_AGE_HOURS  | 50      | FAIL when older (two nights missed)   |
"""

import os
from datetime import timedelta

import dagster as dg


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
