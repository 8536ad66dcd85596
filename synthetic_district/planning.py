"""School targets toward the 2025-26 goals, for all students and a few groups.

Each school sets targets only for goals that fit its grades (grade 3 ELA and grades 3-5 math in
elementary, grades 6-8 math in middle, A-G in high school; chronic absence and SEL everywhere).
Baselines are plausible first-year values given the school's need (higher-need schools start
lower), targets follow the district goals (+30 DFS points in ELA, +40 in math, 70% A-G, +8% SEL,
a chronic-absence cut) and each target carries one of the four trajectory shapes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingestion.contracts import PLANNING_TABLES
from synthetic_district.schools import Schools
from warehouse.school_year import school_year_label

TARGET_YEAR = "2025-26"
TRAJECTORIES = np.array(["linear", "aggressive", "step-up", "delayed"], dtype=object)
GOALS_BY_LEVEL = {
    "ES": ["ELA_G3_DFS", "MATH_G3_5_DFS", "CHRONIC_ABSENCE", "SEL_FAVORABLE"],
    "MS": ["MATH_G6_8_DFS", "CHRONIC_ABSENCE", "SEL_FAVORABLE"],
    "HS": ["AG_COMPLETION", "CHRONIC_ABSENCE", "SEL_FAVORABLE"],
}
GROUP_OFFSET = {"ALL": 0.0, "HI": -0.1, "EL": -0.6, "SWD": -0.9, "SED": -0.2, "BL": -0.35}


def _baseline(goal: str, school_level: float, rng: np.random.Generator) -> float:
    """Plausible first-year value of a goal's measure for a school standing at `school_level`
    (0 = typical, negative = below the district)."""
    noise = rng.normal(0, 0.15)
    z = school_level + noise
    if goal == "ELA_G3_DFS":
        return round(-35 + 70 * z, 1)
    if goal in ("MATH_G3_5_DFS", "MATH_G6_8_DFS"):
        return round(-45 + 75 * z, 1)
    if goal == "AG_COMPLETION":
        return round(float(np.clip(55 + 25 * z, 5, 95)), 1)
    if goal == "CHRONIC_ABSENCE":
        return round(float(np.clip(28 - 15 * z, 3, 70)), 1)
    return round(float(np.clip(62 + 12 * z, 20, 95)), 1)  # SEL_FAVORABLE


def _target(goal: str, baseline: float) -> float:
    if goal == "ELA_G3_DFS":
        return round(baseline + 30, 1)
    if goal.startswith("MATH_"):
        return round(baseline + 40, 1)
    if goal == "AG_COMPLETION":
        return round(max(70.0, baseline + 5), 1)
    if goal == "CHRONIC_ABSENCE":
        return round(max(baseline * 0.75, 2.0), 1)
    return round(min(baseline * 1.08, 100.0), 1)


def build_school_targets(
    schools: Schools, first_start_year: int, rng: np.random.Generator
) -> pd.DataFrame:
    rows = []
    baseline_year = school_year_label(first_start_year)
    for s in range(len(schools.codes)):
        school_level = 0.6 * (0.5 - schools.zone_need[schools.zones[s]])
        for goal in GOALS_BY_LEVEL[str(schools.levels[s])]:
            groups = ["ALL"] + list(rng.choice(list(GROUP_OFFSET)[1:], 3, replace=False))
            for group in groups:
                base = _baseline(goal, school_level + GROUP_OFFSET[group] * 0.5, rng)
                rows.append(
                    (
                        str(schools.codes[s]),
                        goal,
                        str(group),
                        baseline_year,
                        base,
                        TARGET_YEAR,
                        _target(goal, base),
                        str(TRAJECTORIES[rng.integers(0, 4)]),
                    )
                )
    return pd.DataFrame(rows, columns=list(PLANNING_TABLES[0].columns))
