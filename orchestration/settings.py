"""Run-mode settings of the orchestration layer, read from environment variables.

The pipeline runs on a real district's sources when `DISTRICT_SOURCES_DIR` is set, or when the
SIS is pointed elsewhere (`SIS_LANDING_DIR`, or a `SIS_FORMAT` other than `csv`: the generator
writes CSV drops only, so an Ed-Fi district is never a demo); otherwise it generates a synthetic
demo district first (profile `DEMO_PROFILE`, default `demo`), so a fresh checkout runs end to
end with no configuration. `DISTRICT_SOURCE_MODE` (`demo` or `real`) overrides that choice, e.g.
to generate the demo district into a folder of one's choosing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
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
    full_refresh_cron: str
    timezone: str
    outputs_dir: Path

    def district_today(self) -> date:
        """Today in the district's time zone; for the demo district, the date it was generated
        for (its newest drop is dated then, so a drop-age rule measured against the machine's
        date would fail every demo run)."""
        if self.is_demo:
            from synthetic_district.generate import DEFAULT_AS_OF

            return self.demo_as_of or DEFAULT_AS_OF
        return self.sources.today()

    @classmethod
    def from_env(cls) -> RunSettings:
        env = os.environ
        as_of = env.get("DEMO_AS_OF", "")
        is_demo = (env.get("DISTRICT_SOURCE_MODE") or _default_mode(env)) == "demo"
        demo_profile = env.get("DEMO_PROFILE") or "demo"
        # One time zone for the schedules, "today" of the drop-age check and of the loads' rules.
        timezone = env.get("DISTRICT_TIMEZONE") or _default_timezone(is_demo, demo_profile)
        return cls(
            sources=replace(SourceSettings.from_env(), district_timezone=timezone),
            is_demo=is_demo,
            demo_profile=demo_profile,
            demo_seed=int(env.get("DEMO_SEED") or 20261120),
            demo_as_of=date.fromisoformat(as_of) if as_of else None,
            nightly_cron=env.get("NIGHTLY_CRON") or "0 2 * * 1-6",
            full_refresh_cron=env.get("FULL_REFRESH_CRON") or "0 2 * * 0",
            timezone=timezone,
            outputs_dir=Path(env.get("DISTRICT_OUTPUTS_DIR") or REPO_ROOT / "data"),
        )


def _default_mode(env) -> str:
    """`real` when any of the district's own source locations is set (module docstring)."""
    sis_format = (env.get("SIS_FORMAT") or "csv").strip().lower()
    has_own = env.get("DISTRICT_SOURCES_DIR") or env.get("SIS_LANDING_DIR") or sis_format != "csv"
    return "real" if has_own else "demo"


def _default_timezone(is_demo: bool, demo_profile: str) -> str:
    """The demo district's own zone (Lowell's profiles are in Massachusetts); otherwise
    America/Los_Angeles, which a district elsewhere overrides with DISTRICT_TIMEZONE."""
    if is_demo:
        from synthetic_district.profiles import get_profile

        return get_profile(demo_profile).timezone
    return "America/Los_Angeles"
