"""Discipline incidents: rare in elementary, most common in middle school, with the
disproportionality real districts report (Black students, boys, students with IEPs and foster
youth are suspended at several times the rate of others for similar behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.day_grid import SpanDays
from synthetic_district.enrolment import StudentTable, YearSpans

ACTIONS = np.array(["OSS", "ISS", "DET", "OTH", "EXP"], dtype=object)
OSS, ISS, DET, OTH, EXP = range(5)
OFFENSES = np.array(
    [
        "48900(a)(1)",
        "48900(a)(2)",
        "48900(b)",
        "48900(c)",
        "48900(i)",
        "48900(k)",
        "48900.4",
        "48900(j)",
        "48900(h)",
    ],
    dtype=object,
)
OFFENSE_WEIGHTS = np.array([0.14, 0.22, 0.03, 0.08, 0.12, 0.24, 0.08, 0.04, 0.05])
LEVEL_RATE = {"ES": 0.035, "MS": 0.26, "HS": 0.17}


@dataclass
class Incidents:
    span: np.ndarray
    pos: np.ndarray  # day position within the span
    offense: np.ndarray
    action: np.ndarray
    action_days: np.ndarray


def draw_incidents(
    sp: YearSpans,
    days: SpanDays,
    students: StudentTable,
    level: np.ndarray,
    rng: np.random.Generator,
) -> Incidents:
    stu = sp.student
    rate = np.select(
        [level == "ES", level == "MS"], [LEVEL_RATE["ES"], LEVEL_RATE["MS"]], LEVEL_RATE["HS"]
    )
    rate = (
        rate
        * students["behaviour_trait"][stu]
        * np.where(students["ethnicity"][stu] == "BL", 2.0, 1.0)
        * np.where(students["gender"][stu] == "M", 1.6, 0.6)
        * np.where(students["has_iep"][stu], 1.6, 1.0)
        * np.where(students["is_foster"][stu], 1.8, 1.0)
        * np.where(students["is_sed"][stu], 1.2, 1.0)
        * days.n_days
        / 180.0
    )
    counts = rng.poisson(rate)
    counts[days.n_days == 0] = 0
    span = np.repeat(np.arange(len(sp)), counts)
    pos = (rng.random(span.size) * days.n_days[span]).astype(np.int64)
    is_black = students["ethnicity"][stu[span]] == "BL"
    oss_share = np.where(level[span] == "ES", 0.22, 0.33) + 0.10 * is_black
    u = rng.random(span.size)
    action = np.select(
        [u < oss_share, u < oss_share + 0.22, u < oss_share + 0.47, u < 0.995],
        [OSS, ISS, DET, OTH],
        EXP,
    )
    action[(action == EXP) & (level[span] == "ES")] = OTH
    offense = rng.choice(len(OFFENSES), size=span.size, p=OFFENSE_WEIGHTS)
    oss_days = np.array([1.0, 1.0, 2.0, 3.0, 5.0])[rng.integers(0, 5, span.size)]
    action_days = np.select([action == OSS, action == ISS], [oss_days, 1.0], 0.0)
    order = np.lexsort((pos, span))
    return Incidents(span[order], pos[order], offense[order], action[order], action_days[order])
