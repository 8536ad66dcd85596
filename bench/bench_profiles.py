"""Extra district sizes for the scaling series, registered beside the generator's own profiles.

The generator chooses a district's scale through its profile table; a size between `demo`
(14,500 students) and `lausd` (420,000) is added there under its own name, built from the
`lausd` profile with fewer students and schools in the same proportions, so the series varies
scale only.
"""

from __future__ import annotations

from dataclasses import replace

MID_PROFILE = "mid100k"


def register_bench_profiles() -> None:
    from synthetic_district.profiles import PROFILES

    if MID_PROFILE in PROFILES:
        return
    lausd = PROFILES["lausd"]
    share = 100_000 / lausd.students_per_year
    PROFILES[MID_PROFILE] = replace(
        lausd,
        name=MID_PROFILE,
        students_per_year=100_000,
        elementary_schools=round(lausd.elementary_schools * share),
        middle_schools=round(lausd.middle_schools * share),
        high_schools=round(lausd.high_schools * share),
    )
