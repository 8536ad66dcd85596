"""Enrolment: who attends which school in each year, with the churn a real district has.

Students progress a grade a year, move from elementary to middle to high school through their
zone's feeder schools (10% choose another school), graduate from grade 12, transfer between
schools mid-year (T1, then a new E2 span a few days later elsewhere), leave the district (T2),
drop out (W1, mostly high school) or leave over the summer; new students arrive in kindergarten,
in other grades at the start of the year and through the year. Events after the as-of date have
not happened yet, so the current year's spans are open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.dates import NO_DATE
from synthetic_district.school_calendar import TrackCalendar
from synthetic_district.schools import Schools
from synthetic_district.students import draw_students

ENTRY_CODES = np.array(["E1", "E2", "E3"], dtype=object)
EXIT_CODES = np.array(["", "T1", "T2", "W1", "GR", "PR"], dtype=object)
E1, E2, E3 = 0, 1, 2
NO_EXIT, T1, T2, W1, GR, PR = 0, 1, 2, 3, 4, 5
GRADE_LABELS = np.array(["KN"] + [f"{g:02d}" for g in range(1, 13)], dtype=object)


def level_of_grade(grade: np.ndarray) -> np.ndarray:
    return np.where(grade <= 5, "ES", np.where(grade <= 8, "MS", "HS"))


@dataclass
class YearSpans:
    """One school year's enrolment spans as column arrays (one entry per span)."""

    start_year: int
    student: np.ndarray
    school: np.ndarray
    grade: np.ndarray
    entry_day: np.ndarray
    exit_day: np.ndarray  # NO_DATE = still enrolled
    entry_code: np.ndarray
    exit_code: np.ndarray
    track: np.ndarray
    # Last day whose attendance is known: the exit day, or the day before the as-of date.
    last_known_day: np.ndarray

    def __len__(self) -> int:
        return len(self.student)


@dataclass
class Registration:
    """Registration → placement → first attendance for new enrolments of one year."""

    start_year: int
    student: np.ndarray
    school: np.ndarray
    registration_day: np.ndarray
    placement_day: np.ndarray
    first_attendance_day: np.ndarray  # NO_DATE = never attended


class StudentTable:
    """Growing column store of every student the district has seen."""

    def __init__(self) -> None:
        self.columns: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.columns.get("zone", ()))

    def add(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        start = len(self)
        for key, values in batch.items():
            self.columns[key] = (
                np.concatenate([self.columns[key], values]) if key in self.columns else values
            )
        return np.arange(start, len(self), dtype=np.int64)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.columns[key]


def _feeder_school(
    schools: Schools, zone: np.ndarray, level: np.ndarray, choice: np.ndarray, n_zones: int
) -> np.ndarray:
    """The zone's school at the student's level, or a chosen other one for 10% of students."""
    out = np.empty(len(zone), dtype=np.int32)
    for lvl in ("ES", "MS", "HS"):
        mask = level == lvl
        members = schools.of_level(lvl)
        k = len(members)
        pos = zone[mask].astype(np.int64) * k // n_zones
        chooses = choice[mask] < 0.10
        pos = np.where(chooses, (choice[mask] * 1000).astype(np.int64) % k, pos)
        out[mask] = members[pos]
    return out


def _instr_day_at_or_after(
    cal: dict[int, TrackCalendar], track: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """First instructional day on or after `day` in each row's track (the last day if none)."""
    out = np.empty(len(day), dtype=np.int32)
    for t, c in cal.items():
        mask = track == t
        pos = np.searchsorted(c.instructional_days, day[mask])
        out[mask] = c.instructional_days[np.minimum(pos, len(c.instructional_days) - 1)]
    return out


def _instr_day_at(cal: dict[int, TrackCalendar], track: np.ndarray, pos: np.ndarray) -> np.ndarray:
    out = np.empty(len(pos), dtype=np.int32)
    for t, c in cal.items():
        mask = track == t
        out[mask] = c.instructional_days[np.clip(pos[mask], 0, len(c.instructional_days) - 1)]
    return out


@dataclass
class EnrolmentHistory:
    students: StudentTable
    years: list[YearSpans]
    registrations: list[Registration]
    first_entry_day: np.ndarray  # first day of each student in the district


def simulate_enrolment(
    profile,
    schools: Schools,
    calendars: dict[tuple[int, int], TrackCalendar],
    start_years: list[int],
    as_of_day: int,
    rng: np.random.Generator,
) -> EnrolmentHistory:
    """Enrolment spans and registrations for every generated school year."""
    n_zones = profile.elementary_schools
    zone_weights = 0.6 + rng.random(n_zones)
    zone_weights /= zone_weights.sum()
    students = StudentTable()
    first_entry = np.zeros(0, dtype=np.int32)
    grade_now = np.zeros(0, dtype=np.int16)
    current_school = np.zeros(0, dtype=np.int32)
    years: list[YearSpans] = []
    registrations: list[Registration] = []
    continuing = np.zeros(0, dtype=np.int64)

    def new_students(n: int, grades: np.ndarray, start_year: int) -> np.ndarray:
        nonlocal first_entry, grade_now, current_school
        zones = rng.choice(n_zones, size=n, p=zone_weights).astype(np.int32)
        batch = draw_students(zones, schools.zone_need, start_year - grades, profile, rng)
        ids = students.add(batch)
        first_entry = np.concatenate([first_entry, np.full(n, NO_DATE, dtype=np.int32)])
        grade_now = np.concatenate([grade_now, grades.astype(np.int16)])
        current_school = np.concatenate([current_school, np.full(n, -1, dtype=np.int32)])
        return ids

    for yi, year in enumerate(start_years):
        cal = {t: calendars[(year, t)] for t in range(3)}
        target = int(round(profile.students_per_year * (1 + profile.enrolment_trend) ** yi))
        if yi == 0:
            grades = rng.integers(0, 13, target)
            ids = new_students(target, grades, year)
            # Most of the first year's students were already enrolled before it.
            is_new = grades == 0
            prior_years = np.minimum(grades, rng.integers(0, 14, target))
            first_entry[ids] = np.where(
                is_new,
                NO_DATE,
                (
                    (year - prior_years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
                    + np.timedelta64(226, "D")
                ).astype(np.int32),
            )
            cohort = ids
        else:
            kn = max(target // 13, 1)
            others = max(target - len(continuing) - kn, target // 40)
            new_grades = np.concatenate([np.zeros(kn, dtype=np.int64), rng.integers(1, 13, others)])
            ids = new_students(len(new_grades), new_grades, year)
            is_new = np.concatenate([np.zeros(len(continuing), bool), np.ones(len(ids), bool)])
            cohort = np.concatenate([continuing, ids])
        grade = grade_now[cohort].astype(np.int64)
        level = level_of_grade(grade)
        prev_school = current_school[cohort]
        prev_level = np.where(prev_school >= 0, schools.levels[np.maximum(prev_school, 0)], "")
        school = np.where(
            level == prev_level,
            prev_school,
            _feeder_school(
                schools, students["zone"][cohort], level, students["choice_draw"][cohort], n_zones
            ),
        )
        track = schools.tracks[school]
        first_days = np.array([cal[t].first_day for t in range(3)])[track]
        last_days = np.array([cal[t].last_day for t in range(3)])[track]
        # A few new students start late in the first weeks.
        late = is_new & (rng.random(len(cohort)) < 0.08)
        entry = np.where(
            late, _instr_day_at(cal, track, rng.integers(1, 15, len(cohort))), first_days
        )
        if yi == 0:  # the first year's returning students: new school only at grades 6 and 9
            entry_code = np.where(is_new, E1, np.where(np.isin(grade, (6, 9)), E2, E3))
        else:
            entry_code = np.where(is_new, E1, np.where(school == prev_school, E3, E2))

        # Mid-year events for the start-of-year cohort.
        n = len(cohort)
        u = rng.random(n)
        is_hs = level == "HS"
        p_t1 = 0.035
        p_t2 = 0.03
        p_w1 = np.where(is_hs, 0.025, 0.002)
        event = np.where(
            u < p_t1,
            T1,
            np.where(u < p_t1 + p_t2, T2, np.where(u < p_t1 + p_t2 + p_w1, W1, NO_EXIT)),
        )
        level_sizes = {lvl: len(schools.of_level(lvl)) for lvl in ("ES", "MS", "HS")}
        single = np.array([level_sizes[lvl] for lvl in level]) < 2
        event[(event == T1) & single] = T2
        event_pos = rng.integers(5, 175, n)
        event_day = _instr_day_at(cal, track, event_pos)
        event[(event_day <= entry) | (event_day >= as_of_day)] = NO_EXIT
        exit_day = np.where(event != NO_EXIT, event_day, NO_DATE)
        exit_code = event.copy()
        year_done = last_days < as_of_day
        finishing = (event == NO_EXIT) & year_done
        exit_day = np.where(finishing, last_days, exit_day)
        exit_code = np.where(finishing, np.where(grade == 12, GR, PR), exit_code)

        span_student = [cohort]
        span_school = [school]
        span_grade = [grade]
        span_entry = [entry]
        span_exit = [exit_day]
        span_entry_code = [entry_code]
        span_exit_code = [exit_code]

        # Transfers within the district open a second span elsewhere a few days later.
        moved = np.flatnonzero(event == T1)
        if moved.size:
            m_level = level[moved]
            new_school = np.empty(moved.size, dtype=np.int32)
            for lvl in ("ES", "MS", "HS"):
                mask = m_level == lvl
                members = schools.of_level(lvl)
                if not mask.any():
                    continue
                old_pos = np.searchsorted(members, school[moved][mask])
                step = rng.integers(1, len(members), mask.sum())
                new_school[mask] = members[(old_pos + step) % len(members)]
            new_track = schools.tracks[new_school]
            new_entry = _instr_day_at_or_after(
                cal, new_track, event_day[moved] + 1 + rng.integers(0, 6, moved.size)
            )
            new_last = np.array([cal[t].last_day for t in range(3)])[new_track]
            ok = (new_entry < as_of_day) & (new_entry > event_day[moved])
            moved, new_school, new_entry, new_last = (
                moved[ok],
                new_school[ok],
                new_entry[ok],
                new_last[ok],
            )
            done = new_last < as_of_day
            span_student.append(cohort[moved])
            span_school.append(new_school)
            span_grade.append(grade[moved])
            span_entry.append(new_entry)
            span_exit.append(np.where(done, new_last, NO_DATE))
            span_entry_code.append(np.full(moved.size, E2))
            span_exit_code.append(np.where(done, np.where(grade[moved] == 12, GR, PR), NO_EXIT))
            current_school[cohort[moved]] = new_school

        # Newcomers through the year (and their registrations).
        n_mid = int(round(target * 0.04))
        mid_pos = rng.integers(3, 170, n_mid)
        # Only newcomers who arrived before the as-of date exist yet.
        mid_pos = mid_pos[cal[0].instructional_days[mid_pos] < as_of_day]
        n_mid = mid_pos.size
        mid_grades = rng.integers(0, 13, n_mid)
        mid_ids = new_students(n_mid, mid_grades, year)
        mid_level = level_of_grade(mid_grades)
        mid_school = _feeder_school(
            schools, students["zone"][mid_ids], mid_level, students["choice_draw"][mid_ids], n_zones
        )
        mid_track = schools.tracks[mid_school]
        mid_entry = _instr_day_at(cal, mid_track, mid_pos)
        for t, c in cal.items():
            before = c.instructional_days[c.instructional_days < as_of_day]
            if before.size:
                mask = mid_track == t
                mid_entry[mask] = np.minimum(mid_entry[mask], before[-1])
        mid_last = np.array([cal[t].last_day for t in range(3)])[mid_track]
        mid_done = mid_last < as_of_day
        span_student.append(mid_ids)
        span_school.append(mid_school)
        span_grade.append(mid_grades)
        span_entry.append(mid_entry)
        span_exit.append(np.where(mid_done, mid_last, NO_DATE))
        span_entry_code.append(np.full(mid_ids.size, E1))
        span_exit_code.append(np.where(mid_done, np.where(mid_grades == 12, GR, PR), NO_EXIT))

        sp = YearSpans(
            start_year=year,
            student=np.concatenate(span_student).astype(np.int64),
            school=np.concatenate(span_school).astype(np.int32),
            grade=np.concatenate(span_grade).astype(np.int16),
            entry_day=np.concatenate(span_entry).astype(np.int32),
            exit_day=np.concatenate(span_exit).astype(np.int32),
            entry_code=np.concatenate(span_entry_code).astype(np.int8),
            exit_code=np.concatenate(span_exit_code).astype(np.int8),
            track=np.zeros(0, dtype=np.int32),
            last_known_day=np.zeros(0, dtype=np.int32),
        )
        sp.track = schools.tracks[sp.school]
        year_last = np.array([cal[t].last_day for t in range(3)])[sp.track]
        sp.last_known_day = np.where(
            sp.exit_day != NO_DATE, sp.exit_day, np.minimum(year_last, as_of_day - 1)
        ).astype(np.int32)
        order = np.lexsort((sp.entry_day, sp.student))
        order = order[sp.entry_day[order] < as_of_day]  # nothing after the as-of date yet
        for name in (
            "student",
            "school",
            "grade",
            "entry_day",
            "exit_day",
            "entry_code",
            "exit_code",
            "track",
            "last_known_day",
        ):
            setattr(sp, name, getattr(sp, name)[order])
        years.append(sp)

        new_mask = sp.entry_code == E1
        first_entry[sp.student[new_mask]] = np.where(
            first_entry[sp.student[new_mask]] == NO_DATE,
            sp.entry_day[new_mask],
            first_entry[sp.student[new_mask]],
        )
        current_school[sp.student] = sp.school  # later spans overwrite earlier ones
        registrations.append(_registrations(sp, students, year, rng))

        # Who comes back next year: promoted students, less the summer leavers.
        last_span = np.r_[sp.student[1:] != sp.student[:-1], True]
        final = np.flatnonzero(last_span)
        returning = sp.exit_code[final] == PR
        stays = returning & (rng.random(final.size) > 0.06)
        continuing = sp.student[final][stays]
        grade_now[continuing] += 1

    # Registrations that never turned into attendance (the family moved on).
    ghosts = max(int(profile.students_per_year * 0.004), 1)
    g_year = start_years[-1]
    g_ids = new_students(ghosts, rng.integers(0, 13, ghosts), g_year)
    g_school = _feeder_school(
        schools,
        students["zone"][g_ids],
        level_of_grade(grade_now[g_ids].astype(np.int64)),
        students["choice_draw"][g_ids],
        n_zones,
    )
    g_reg = (as_of_day - rng.integers(10, 60, ghosts)).astype(np.int32)
    g_place = (g_reg + rng.integers(1, 6, ghosts)).astype(np.int32)
    first_entry[g_ids] = g_reg
    registrations[-1] = Registration(
        g_year,
        np.concatenate([registrations[-1].student, g_ids]),
        np.concatenate([registrations[-1].school, g_school]),
        np.concatenate([registrations[-1].registration_day, g_reg]),
        np.concatenate([registrations[-1].placement_day, g_place]),
        np.concatenate(
            [registrations[-1].first_attendance_day, np.full(ghosts, NO_DATE, dtype=np.int32)]
        ),
    )
    return EnrolmentHistory(students, years, registrations, first_entry)


def _registrations(
    sp: YearSpans, students: StudentTable, year: int, rng: np.random.Generator
) -> Registration:
    """Registration and placement dates for the year's first entries in the district.

    Placement takes longer for newcomer English learners and for foster and homeless youth
    (records and assessments to gather), which is the gap the family-access measure looks for.
    """
    idx = np.flatnonzero(sp.entry_code == E1)
    stu = sp.student[idx]
    n = idx.size
    slow = (
        students["is_el_at_entry"][stu] | students["is_foster"][stu] | students["is_homeless"][stu]
    )
    attend = sp.entry_day[idx]
    to_attend = 1 + rng.poisson(np.where(slow, 3.5, 1.5), n)
    placement = attend - to_attend
    to_place = 1 + rng.poisson(np.where(slow, 6.0, 2.5), n)
    # Summer registrants sign up weeks before the first day.
    summer = attend <= np.min(sp.entry_day) + 20
    to_place = np.where(summer, to_place + rng.integers(5, 90, n), to_place)
    registration = placement - to_place
    return Registration(
        year,
        stu,
        sp.school[idx],
        registration.astype(np.int32),
        placement.astype(np.int32),
        attend.astype(np.int32),
    )
