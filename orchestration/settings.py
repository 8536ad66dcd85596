"""Run-mode settings of the orchestration layer, read from environment variables.

The pipeline runs on a real district's sources when `DISTRICT_SOURCES_DIR` is set; otherwise it
generates a synthetic demo district first (profile `DEMO_PROFILE`, default `demo`), so a fresh
checkout runs end to end with no configuration. `DISTRICT_SOURCE_MODE` (`demo` or `real`)
overrides that choice, e.g. to generate the demo district into a folder of one's choosing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.common.settings import REPO_ROOT, SourceSettings


@dataclass(frozen=True)
class RunSettings:
    """What the definitions need to know before any asset runs."""

    sources: SourceSettings
    is_demo: bool
    demo_profile: str
    demo_seed: int
    demo_as_of: date | None
    nightly_cron: str
    timezone: str
    outputs_dir: Path

    @classmethod
    def from_env(cls) -> RunSettings:
        env = os.environ
        as_of = env.get("DEMO_AS_OF", "")
        return cls(
            sources=SourceSettings.from_env(),
            is_demo=(
                env.get("DISTRICT_SOURCE_MODE")
                or ("real" if env.get("DISTRICT_SOURCES_DIR") else "demo")
            )
            == "demo",
            demo_profile=env.get("DEMO_PROFILE") or "demo",
            demo_seed=int(env.get("DEMO_SEED") or 20261120),
            demo_as_of=date.fromisoformat(as_of) if as_of else None,
            nightly_cron=env.get("NIGHTLY_CRON") or "0 2 * * *",
            timezone=env.get("DISTRICT_TIMEZONE") or "America/Los_Angeles",
            outputs_dir=Path(env.get("DISTRICT_OUTPUTS_DIR") or REPO_ROOT / "data"),
        )
