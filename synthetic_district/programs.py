"""Program participation as dated spans: EL → RFEP, IEP, 504, SED, foster care, homelessness.

English learners reclassify after a few years (about 15% of ELs a year, a typical rate);
IEPs and SED status mostly persist; foster and homeless spells are shorter and sit inside the
generated years, as they do in a real SIS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.enrolment import NO_DATE, StudentTable


@dataclass
class ProgramSpans:
    student: np.ndarray
    program: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray  # NO_DATE = open


def _day(year: np.ndarray | int, month_day_offset: int) -> np.ndarray:
    """Day number of 1 January of `year` plus an offset in days."""
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
        np.int64
    ) + month_day_offset


def reclassification_days(
    students: StudentTable, first_entry_day: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Day each entering English learner is reclassified (NO_DATE when not an EL)."""
    n = len(students)
    entry_year = (
        first_entry_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    )
    years_as_el = 1 + rng.geometric(0.17, n)
    reclass = _day(entry_year + years_as_el, 59 + rng.integers(0, 90, n))  # March to May
    return np.where(students["is_el_at_entry"], reclass, NO_DATE).astype(np.int64)


def build_program_spans(
    students: StudentTable,
    first_entry_day: np.ndarray,
    reclass_day: np.ndarray,
    start_years: list[int],
    as_of_day: int,
    rng: np.random.Generator,
) -> ProgramSpans:
    n = len(students)
    ids = np.arange(n)
    start = first_entry_day.astype(np.int64)
    window_lo = _day(start_years[0], 181)  # 1 July of the first generated year
    parts: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = []

    el = students["is_el_at_entry"]
    el_end = np.where(reclass_day < as_of_day, reclass_day, NO_DATE)
    parts.append((ids[el], "EL", start[el], el_end[el]))
    rfep = el & (reclass_day < as_of_day)
    parts.append((ids[rfep], "RFEP", reclass_day[rfep] + 1, np.full(rfep.sum(), NO_DATE)))

    iep = students["has_iep"]
    iep_start = start + rng.integers(0, 900, n)
    iep_start = np.minimum(iep_start, as_of_day - 30)
    iep_exit = rng.random(n) < 0.08
    iep_end = np.where(iep_exit, iep_start + rng.integers(200, 700, n), NO_DATE)
    iep_end = np.where(iep_end >= as_of_day, NO_DATE, iep_end)
    parts.append((ids[iep], "IEP", np.maximum(iep_start, start)[iep], iep_end[iep]))

    s504 = students["has_504"]
    parts.append(
        (
            ids[s504],
            "504",
            (start + rng.integers(0, 600, n))[s504].clip(max=as_of_day - 1),
            np.full(s504.sum(), NO_DATE),
        )
    )

    sed = students["is_sed"]
    sed_end = np.where(rng.random(n) < 0.06, start + rng.integers(300, 1500, n), NO_DATE)
    sed_end = np.where(sed_end >= as_of_day, NO_DATE, sed_end)
    parts.append((ids[sed], "SED", start[sed], sed_end[sed]))

    for flag, code, length in (
        ("is_foster", "FOSTER", (120, 700)),
        ("is_homeless", "HOMELESS", (90, 500)),
    ):
        mask = students[flag]
        lo = np.maximum(start, window_lo)
        spell_start = lo + (rng.random(n) * np.maximum(as_of_day - lo - 20, 1)).astype(np.int64)
        spell_end = spell_start + rng.integers(*length, n)
        spell_end = np.where(spell_end >= as_of_day, NO_DATE, spell_end)
        parts.append((ids[mask], code, spell_start[mask], spell_end[mask]))

    student = np.concatenate([p[0] for p in parts])
    program = np.concatenate([np.full(p[0].size, p[1], dtype=object) for p in parts])
    start_day = np.concatenate([p[2] for p in parts]).astype(np.int32)
    end_day = np.concatenate([p[3] for p in parts]).astype(np.int32)
    # Spans whose student never started (registrations only) still carry their status.
    valid = start_day != NO_DATE
    order = np.lexsort((start_day[valid], program[valid].astype(str), student[valid]))
    return ProgramSpans(
        student[valid][order], program[valid][order], start_day[valid][order], end_day[valid][order]
    )
