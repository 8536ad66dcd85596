"""Smarter Balanced style scale scores for grades 3-8 and 11 in ELA and math.

Scores sit around each grade's Level 3 cut (METRICS.md) with about 85 points of spread: the
student's persistent ability plus a yearly draw, lower while a student is an English learner, a
dip for 2021-22 and mild growth each year after, so DFS runs from about -40 to -10 and 35-45%
meet the standard, near LAUSD's published results. Levels follow the cuts (L2 from L3-60,
L4 from L3+80).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.enrolment import NO_DATE, StudentTable, YearSpans

LEVEL3_CUT = {
    "ELA": {3: 2432, 4: 2473, 5: 2502, 6: 2531, 7: 2552, 8: 2567, 11: 2583},
    "MATH": {3: 2436, 4: 2485, 5: 2528, 6: 2552, 7: 2567, 8: 2586, 11: 2628},
}
TESTED_GRADES = np.array([3, 4, 5, 6, 7, 8, 11])
SUBJECTS = ("ELA", "MATH")


def year_shift(start_year: int) -> float:
    """Points added to every score: a post-closure dip, then about 6 points of growth a year."""
    if start_year < 2021:
        return 0.0
    return -14.0 + 6.0 * (start_year - 2021)


def performance_level(score: np.ndarray, cut3: np.ndarray) -> np.ndarray:
    return 1 + (score >= cut3 - 60) + (score >= cut3) + (score >= cut3 + 80)


@dataclass
class Scores:
    student: np.ndarray
    test_day: np.ndarray
    subject: np.ndarray
    grade: np.ndarray
    scale_score: np.ndarray
    level: np.ndarray


def draw_scores(
    sp: YearSpans,
    students: StudentTable,
    is_el_now: np.ndarray,
    test_window: tuple[int, int],
    as_of_day: int,
    rng: np.random.Generator,
) -> Scores:
    """One score per subject for each tested student enrolled during the testing window."""
    lo, hi = test_window
    mid = (lo + hi) // 2
    covers = (sp.entry_day <= mid) & ((sp.exit_day == NO_DATE) | (sp.exit_day >= mid))
    tested = covers & np.isin(sp.grade, TESTED_GRADES)
    tested &= rng.random(len(sp)) < np.where(sp.grade == 11, 0.90, 0.96)
    idx = np.flatnonzero(tested)
    stu = sp.student[idx]
    test_day = lo + rng.integers(0, hi - lo + 1, idx.size)
    # A weekend test date moves to the Monday after.
    wd = (test_day + 3) % 7
    test_day = test_day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    keep = test_day < as_of_day
    idx, stu, test_day = idx[keep], stu[keep], test_day[keep]
    grade = sp.grade[idx].astype(np.int64)
    out = []
    for subject in SUBJECTS:
        ability = students["ability_ela" if subject == "ELA" else "ability_math"][stu]
        z = ability + 0.40 * rng.standard_normal(stu.size) - 0.30 * is_el_now[stu]
        cut3 = np.vectorize(LEVEL3_CUT[subject].get)(grade) if grade.size else grade
        score = np.rint(cut3 + 8 + year_shift(sp.start_year) + 85 * z)
        score = np.clip(score, cut3 - 330, cut3 + 320).astype(np.int64)
        out.append(
            Scores(
                stu,
                test_day,
                np.full(stu.size, subject, dtype=object),
                grade,
                score,
                performance_level(score, cut3),
            )
        )
    return Scores(
        *(
            np.concatenate([getattr(s, f) for s in out])
            for f in ("student", "test_day", "subject", "grade", "scale_score", "level")
        )
    )
