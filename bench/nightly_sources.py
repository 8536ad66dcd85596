"""Everything one benchmark night brings: SIS drop, tutoring sessions, HR changes, survey wave.

A real night is not only a new SIS drop: the tutoring vendor has the day's sessions, the HR
system the day's applications, funnel steps and separations, and while an administration is
open the survey platform re-exports it with the day's responses. Each source's additions are
sized to one school day of its own cadence (see `nightly_drop`, `nightly_tutoring`,
`nightly_hr`, `nightly_survey`). The files changed in place are kept first in a
`PristineSources` store, so the next benchmark starts from the generated district again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from bench.nightly_drop import NightlyDrop, land_next_school_day
from bench.nightly_hr import HrDay, land_hr_day
from bench.nightly_survey import SurveyDay, land_survey_day
from bench.nightly_tutoring import TutoringDay, land_tutoring_day
from bench.pristine_sources import PristineSources


@dataclass(frozen=True)
class Night:
    sis: NightlyDrop
    tutoring: TutoringDay
    hr: HrDay
    survey: SurveyDay
    seconds: float

    def summary(self) -> dict:
        """What the night brought, JSON-ready: dates and paths as text."""

        def plain(value):
            return str(value) if isinstance(value, Path | date) else value

        return {
            "sis": {k: plain(v) for k, v in asdict(self.sis).items()},
            "tutoring": asdict(self.tutoring),
            "hr": {**asdict(self.hr), "rows_changed": self.hr.rows_changed},
            "survey": asdict(self.survey),
            "seconds": self.seconds,
        }

    def describe(self) -> str:
        return (
            f"drop {self.sis.drop_date} (school day {self.sis.new_school_day}): "
            f"+{self.sis.attendance_rows_added:,} attendance rows, "
            f"+{self.tutoring.sessions_added:,} tutoring sessions, "
            f"HR +{self.hr.applications_added:,} applications, "
            f"+{self.hr.funnel_steps_added:,} funnel steps, {self.hr.separations:,} separations, "
            f"+{self.survey.responses_added:,} survey responses"
        )


def land_night(sources_dir: Path, pristine: PristineSources) -> Night:
    """Land the next school day in every source under `sources_dir`."""
    started = time.perf_counter()
    sources_dir = Path(sources_dir)
    sis = land_next_school_day(sources_dir / "sis")
    reference_day = sis.previous_school_day or sis.new_school_day
    tutoring = land_tutoring_day(
        sources_dir / "tutoring" / "sessions", reference_day, sis.new_school_day, pristine
    )
    hr = land_hr_day(sources_dir / "hr" / "hr.sqlite", sis.new_school_day, pristine)
    survey = land_survey_day(
        sources_dir / "survey",
        sis.drop_dir / f"enrollments__{sis.current_school_year}.csv",
        sis.current_school_year,
        sis.new_school_day,
        pristine,
    )
    return Night(sis, tutoring, hr, survey, round(time.perf_counter() - started, 2))
