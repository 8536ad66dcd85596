"""Tutoring vendor records: sessions of three service types and acceleration days.

A minority of students take part (about 12%), and students most in need (below standard, EL,
IEP, foster, homeless) are about twice as likely to; on-demand homework help is sporadic,
locally designed intervention runs twice a week for a term, high-dose tutoring three times a
week. Some sessions are no-shows or cancelled. The program starts in 2022-23.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.day_grid import SpanDays
from synthetic_district.enrolment import StudentTable, YearSpans

PROGRAM_FIRST_YEAR = 2022
SERVICE_TYPES = np.array(
    ["On-Demand Homework Help", "Locally Designed Intervention", "High-Dose Tutoring"], dtype=object
)
SUBJECTS = np.array(["ELA", "MATH", "SCI", "OTHER"], dtype=object)
STATUSES = np.array(["completed", "no_show", "cancelled"], dtype=object)


@dataclass
class Sessions:
    student: np.ndarray
    school: np.ndarray
    service: np.ndarray
    subject: np.ndarray
    started_s: np.ndarray
    duration: np.ndarray
    tutor: np.ndarray
    status: np.ndarray
    updated_s: np.ndarray


def draw_sessions(
    sp: YearSpans,
    days: SpanDays,
    students: StudentTable,
    is_most_in_need: np.ndarray,
    as_of_s: int,
    rng: np.random.Generator,
) -> Sessions:
    n = len(sp)
    need = is_most_in_need[sp.student]
    joins = (rng.random(n) < np.where(need, 0.17, 0.08)) & (days.n_days > 10)
    idx = np.flatnonzero(joins)
    u = rng.random(idx.size)
    hd_share = np.where(need[idx], 0.28, 0.12)
    service = np.where(u < hd_share, 2, np.where(u < hd_share + 0.30, 1, 0))
    per_week = np.array([0.6, 2.0, 3.0])[service]
    weeks = np.where(service == 0, rng.integers(3, 20, idx.size), rng.integers(6, 16, idx.size))
    counts = rng.poisson(per_week * weeks)
    span = np.repeat(idx, counts)
    svc = np.repeat(service, counts)
    # Sessions run over a stretch of the span: a term for intervention, scattered for homework.
    stretch_each = np.minimum(weeks * 5, days.n_days[idx])
    start_each = rng.random(idx.size) * np.maximum(days.n_days[idx] - stretch_each, 1)
    stretch = np.repeat(stretch_each, counts)
    start_pos = np.repeat(start_each.astype(np.int64), counts)
    pos = start_pos + (rng.random(span.size) * stretch).astype(np.int64)
    pos = np.minimum(pos, days.n_days[span] - 1)
    day = days.dates(span, pos).astype(np.int64)
    minutes_after_midnight_utc = np.where(
        svc == 0,
        rng.integers(22 * 60, 24 * 60 - 60, span.size),
        rng.integers(16 * 60, 22 * 60, span.size),
    )
    started = day * 86400 + minutes_after_midnight_utc * 60 // 300 * 300
    lo_hi = np.array([[20, 46], [30, 46], [45, 61]])
    duration = rng.integers(lo_hi[svc, 0], lo_hi[svc, 1])
    status = np.select([rng.random(span.size) < 0.07, rng.random(span.size) < 0.05], [1, 2], 0)
    subject = np.where(
        svc == 0,
        rng.choice(4, span.size, p=[0.35, 0.45, 0.1, 0.1]),
        rng.choice(2, span.size, p=[0.45, 0.55]),
    )
    tutor = sp.school[span] * 8 + rng.integers(0, 8, span.size)
    updated = np.minimum(
        started + duration * 60 + rng.integers(600, 3 * 86400, span.size), as_of_s - 3600
    )
    keep = started + duration * 60 < as_of_s - 3600
    order = np.lexsort((started[keep],))
    take = np.flatnonzero(keep)[order]
    return Sessions(
        sp.student[span[take]],
        sp.school[span[take]],
        svc[take],
        subject[take],
        started[take],
        duration[take],
        tutor[take],
        status[take],
        updated[take],
    )


@dataclass
class AccelerationDays:
    student: np.ndarray
    school: np.ndarray
    day: np.ndarray
    hours: np.ndarray
    updated_s: np.ndarray


def draw_acceleration_days(
    sp: YearSpans,
    is_most_in_need: np.ndarray,
    event_days: np.ndarray,
    as_of_day: int,
    rng: np.random.Generator,
) -> AccelerationDays:
    """Break-week acceleration days; about 8% of enrolled students attend each (more in need)."""
    parts = []
    for day in event_days[event_days < as_of_day]:
        on_roll = np.flatnonzero((sp.entry_day <= day) & (sp.last_known_day >= day - 10))
        need = is_most_in_need[sp.student[on_roll]]
        go = on_roll[rng.random(on_roll.size) < np.where(need, 0.12, 0.05)]
        hours = np.array([2.5, 3.0, 4.0, 4.5, 5.0, 6.0])[rng.integers(0, 6, go.size)]
        parts.append((go, np.full(go.size, day), hours))
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return AccelerationDays(z, z, z, z.astype(float), z)
    go = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts]).astype(np.int64)
    hours = np.concatenate([p[2] for p in parts])
    updated = np.minimum(
        day * 86400 + 86400 + rng.integers(0, 5 * 86400, go.size), as_of_day * 86400 - 3600
    )
    return AccelerationDays(sp.student[go], sp.school[go], day, hours, updated)
