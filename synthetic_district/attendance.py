"""Attendance exceptions: only the days a student was not simply present.

Each span gets an absence propensity: a grade-band base rate, raised for low-income, foster,
homeless students and students with IEPs, raised after the 2020-21 school closures and easing
slowly since, times the student's own persistent absence trait and a yearly draw. Days are then
sampled uniformly inside the span, so an absence always falls on an instructional day the student
was enrolled. With these rates 20-30% of students miss 10% of days, as LAUSD and Lowell reported
after 2021.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.day_grid import SpanDays
from synthetic_district.discipline import ISS, OSS, Incidents
from synthetic_district.enrolment import StudentTable, YearSpans

CODES = np.array(["OSS", "ISS", "EXC", "UNX", "PRT", "TDY"], dtype=object)
C_OSS, C_ISS, C_EXC, C_UNX, C_PRT, C_TDY = range(6)
# A day carries one code: suspensions win, then full-day absences, then partial days, tardies.
PRIORITY = np.array([0, 1, 2, 2, 3, 4])


def year_factor(start_year: int) -> float:
    """Absence elevation after the pandemic closures, fading about 20% a year from 2021-22."""
    if start_year < 2021:
        return 1.0
    return 1.0 + 0.70 * 0.8 ** (start_year - 2021)


def absence_propensity(
    sp: YearSpans, students: StudentTable, rng: np.random.Generator
) -> np.ndarray:
    stu = sp.student
    g = sp.grade
    base = np.select([g == 0, g <= 5, g <= 8], [0.040, 0.030, 0.034], 0.042)
    p = (
        base
        * year_factor(sp.start_year)
        * np.where(students["is_sed"][stu], 1.25, 1.0)
        * np.where(students["is_foster"][stu], 1.6, 1.0)
        * np.where(students["is_homeless"][stu], 1.5, 1.0)
        * np.where(students["has_iep"][stu], 1.25, 1.0)
        * students["absence_trait"][stu]
        * rng.gamma(5.0, 1 / 5.0, len(sp))
    )
    return np.minimum(p, 0.75)


@dataclass
class AttendanceRows:
    span: np.ndarray
    day: np.ndarray
    code: np.ndarray
    absent_fraction: np.ndarray


def draw_attendance(
    sp: YearSpans,
    days: SpanDays,
    students: StudentTable,
    incidents: Incidents,
    rng: np.random.Generator,
) -> AttendanceRows:
    n_days = days.n_days
    p = absence_propensity(sp, students, rng)
    full = rng.binomial(n_days, p * 0.85)
    partial = rng.binomial(n_days, np.minimum(p * 0.35, 0.5))
    tardy_rate = np.where(sp.grade >= 6, 0.06, 0.035) * students["absence_trait"][sp.student]
    tardy = rng.binomial(n_days, np.minimum(tardy_rate, 0.5))

    unexcused_share = 0.40 + 0.15 * (sp.grade >= 9) + 0.10 * students["is_sed"][sp.student]
    spans_full = np.repeat(np.arange(len(sp)), full)
    code_full = np.where(rng.random(spans_full.size) < unexcused_share[spans_full], C_UNX, C_EXC)
    spans_part = np.repeat(np.arange(len(sp)), partial)
    spans_tardy = np.repeat(np.arange(len(sp)), tardy)

    # Suspension days run over consecutive instructional days from the incident.
    sus = np.flatnonzero((incidents.action == OSS) | (incidents.action == ISS))
    sus_len = np.ceil(incidents.action_days[sus]).astype(np.int64)
    sus_span = np.repeat(incidents.span[sus], sus_len)
    sus_offset = np.arange(sus_len.sum()) - np.repeat(np.cumsum(sus_len) - sus_len, sus_len)
    sus_pos = np.repeat(incidents.pos[sus], sus_len) + sus_offset
    sus_code = np.repeat(np.where(incidents.action[sus] == OSS, C_OSS, C_ISS), sus_len)
    inside = sus_pos < n_days[sus_span]

    span = np.concatenate([sus_span[inside], spans_full, spans_part, spans_tardy])
    random_n = spans_full.size + spans_part.size + spans_tardy.size
    random_span = span[inside.sum() :]
    random_pos = (rng.random(random_n) * n_days[random_span]).astype(np.int64)
    pos = np.concatenate([sus_pos[inside], random_pos])
    code = np.concatenate(
        [
            sus_code[inside],
            code_full,
            np.full(spans_part.size, C_PRT),
            np.full(spans_tardy.size, C_TDY),
        ]
    ).astype(np.int8)
    fraction = np.select(
        [code == C_PRT, (code == C_TDY) | (code == C_ISS)],
        [np.array([0.25, 0.5, 0.75])[rng.integers(0, 3, code.size)], 0.0],
        1.0,
    )

    key = span.astype(np.int64) * 512 + pos
    order = np.lexsort((PRIORITY[code], key))
    key_sorted = key[order]
    first = np.r_[True, key_sorted[1:] != key_sorted[:-1]]
    keep = order[first]
    return AttendanceRows(span[keep], days.dates(span[keep], pos[keep]), code[keep], fraction[keep])
