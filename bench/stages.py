"""Grouping Dagster step keys into the pipeline's stages, so a run's time reads as a breakdown.

Steps are named after what they run (`load_sis`, `district_dbt`, `quality_raw_sis`,
`publish_bi`…); the rules below match those names and leave anything unrecognised in its own
`other:<step>` entry rather than hiding it in a stage it may not belong to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

STAGE_ORDER = ("generate", "ingest", "dbt", "quality", "exports")

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("generate", re.compile(r"demo|district_sources|generate")),
    ("ingest", re.compile(r"^load_|ingest")),
    ("quality", re.compile(r"quality|check|_gx|^gx_")),
    ("exports", re.compile(r"export|publi|release|portal|open_data|bi_database|ckan|parquet")),
    ("dbt", re.compile(r"dbt")),
)


def stage_of(step_key: str) -> str:
    """The stage a step belongs to, or `other:<step_key>` when no rule matches.

    Quality is tested before dbt so that a check step on dbt models (`quality_marts_dbt`) counts
    as quality; exports before dbt for the same reason (`publish_dbt_docs`).
    """
    name = step_key.lower()
    for stage, pattern in _RULES:
        if pattern.search(name):
            return stage
    return f"other:{step_key}"


def seconds_by_stage(step_seconds: Mapping[str, float]) -> dict[str, float]:
    """Sum step durations per stage, known stages first in pipeline order, then the others."""
    totals: dict[str, float] = {}
    for step_key, seconds in step_seconds.items():
        stage = stage_of(step_key)
        totals[stage] = totals.get(stage, 0.0) + seconds
    known = [s for s in STAGE_ORDER if s in totals]
    others = sorted(s for s in totals if s not in STAGE_ORDER)
    return {stage: round(totals[stage], 2) for stage in known + others}
