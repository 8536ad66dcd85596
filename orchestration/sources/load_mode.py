"""Whole or incremental source loads, chosen by the job that runs them.

`full_refresh` reloads every source whole, so its checks validate every row (and rows deleted
at a source leave the warehouse); the current-year and backfill jobs load only what changed:
new or changed files, and HR or tutoring-API rows past their cursors. A run without the tag
(an asset materialized by hand) follows INCREMENTAL_LOADS.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import dagster as dg

from ingestion.common.settings import SourceSettings

LOAD_MODE_TAG = "district/load_mode"
WHOLE = "whole"
INCREMENTAL = "incremental"


def sources_for_run(settings: SourceSettings, run_tags: Mapping[str, str]) -> SourceSettings:
    """The source settings with `is_incremental` set by the run's load-mode tag, if any."""
    mode = run_tags.get(LOAD_MODE_TAG)
    if mode is None:
        return settings
    if mode not in (WHOLE, INCREMENTAL):
        raise dg.Failure(
            f"run tag {LOAD_MODE_TAG}={mode!r} is neither {WHOLE!r} nor {INCREMENTAL!r}"
        )
    return dataclasses.replace(settings, is_incremental=mode == INCREMENTAL)
