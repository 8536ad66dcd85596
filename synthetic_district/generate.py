"""generate_district: build a synthetic district and write every source in its landing layout."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ingestion.contracts import (
    BY_RAW_NAME,
    PLANNING_TABLES,
    SURVEY_TABLES,
    TUTORING_TABLES,
)
from synthetic_district import (
    assessments,
    attendance,
    courses,
    discipline,
    enrolment,
    hr,
    planning,
    programs,
    survey,
    tutoring,
)
from synthetic_district.dates import day_number
from synthetic_district.day_grid import span_days
from synthetic_district.enrolment import ENTRY_CODES, EXIT_CODES, GRADE_LABELS
from synthetic_district.profiles import get_profile
from synthetic_district.school_calendar import TRACK_COUNT, build_calendars
from synthetic_district.schools import build_schools
from synthetic_district.writers import (
    CsvWriter,
    categorical,
    dates,
    text,
    timestamps_z,
    write_json_pages,
)
from warehouse.school_year import school_year_label, school_year_start

DEFAULT_AS_OF = date(2026, 11, 20)
SOURCE_FOLDERS = ("sis", "hr", "tutoring", "survey", "planning")
# One random stream per domain, so changing one domain's draws leaves the others unchanged.
DOMAINS = {
    "schools": 1,
    "enrolment": 2,
    "programs": 3,
    "discipline": 4,
    "attendance": 5,
    "assessments": 6,
    "courses": 7,
    "survey": 8,
    "tutoring": 9,
    "hr": 10,
    "planning": 11,
}


@dataclass
class GenerationSummary:
    profile: str
    seed: int
    as_of: date
    school_years: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    bytes_written: int = 0

    def bytes_by_source(self, root: Path) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.files:
            source = f.relative_to(root).parts[0]
            out[source] = out.get(source, 0) + f.stat().st_size
        return out

    def render(self) -> str:
        lines = [
            f"profile={self.profile} seed={self.seed} as_of={self.as_of} "
            f"years={','.join(self.school_years)}"
        ]
        lines += [f"  {name:<32} {count:>12,}" for name, count in sorted(self.rows.items())]
        lines.append(
            f"  files={len(self.files)} bytes={self.bytes_written:,} seconds={self.seconds:.1f}"
        )
        return "\n".join(lines)


def _rng(seed: int, domain: str, year: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, DOMAINS[domain], year])


def generate_district(
    profile: str, out_dir: Path, seed: int = 20261120, as_of: date = DEFAULT_AS_OF
) -> GenerationSummary:
    """Write a synthetic district's sources under `out_dir`, replacing earlier output."""
    started = time.perf_counter()
    prof = get_profile(profile)
    out_dir = Path(out_dir)
    for folder in SOURCE_FOLDERS:
        shutil.rmtree(out_dir / folder, ignore_errors=True)
    as_of_day = day_number(as_of)
    last_year = school_year_start(as_of)
    start_years = list(range(last_year - prof.school_years + 1, last_year + 1))
    labels = [school_year_label(y) for y in start_years]
    calendars = build_calendars(start_years)
    schools = build_schools(prof, _rng(seed, "schools"))
    history = enrolment.simulate_enrolment(
        prof, schools, calendars, start_years, as_of_day, _rng(seed, "enrolment")
    )
    students = history.students
    n_students = len(students)
    student_ids = np.array([f"S{i + 1:07d}" for i in range(n_students)], dtype=object)
    reclass_day = programs.reclassification_days(
        students, history.first_entry_day, _rng(seed, "programs")
    )

    sis_dir = out_dir / "sis" / as_of.isoformat()
    writer = CsvWriter(out_dir)
    summary = GenerationSummary(prof.name, seed, as_of, labels)
    sessions: list[tutoring.Sessions] = []
    accel: list[tutoring.AccelerationDays] = []
    survey_files: list[tuple[str, survey.SurveyResponses]] = []
    stu_col = lambda idx: categorical(idx, student_ids)  # noqa: E731
    school_col = lambda idx: categorical(idx, schools.codes)  # noqa: E731

    for sp, reg in zip(history.years, history.registrations, strict=True):
        year = sp.start_year
        label = school_year_label(year)
        suffix = f"__{label}.csv"
        year_start_day = day_number(date(year, 7, 1))
        days = span_days(sp, calendars)
        level = enrolment.level_of_grade(sp.grade.astype(np.int64))

        _write_calendar(writer, schools, calendars, year, label, sis_dir / f"calendar_days{suffix}")
        writer.write(
            BY_RAW_NAME["sis__enrollments"],
            {
                "student_id": stu_col(sp.student),
                "school_code": school_col(sp.school),
                "school_year": categorical(np.zeros(len(sp)), [label]),
                "grade_level": categorical(sp.grade, GRADE_LABELS),
                "entry_date": dates(sp.entry_day),
                "exit_date": dates(sp.exit_day),
                "entry_code": categorical(sp.entry_code, ENTRY_CODES),
                "exit_code": categorical(sp.exit_code, EXIT_CODES),
            },
            sis_dir / f"enrollments{suffix}",
        )
        n_reg = len(reg.student)
        reg_ids = np.array([f"R{year % 100:02d}{i + 1:07d}" for i in range(n_reg)], dtype=object)
        writer.write(
            BY_RAW_NAME["sis__registrations"],
            {
                "registration_id": text(reg_ids),
                "student_id": stu_col(reg.student),
                "school_code": school_col(reg.school),
                "school_year": categorical(np.zeros(n_reg), [label]),
                "registration_date": dates(reg.registration_day),
                "placement_date": dates(reg.placement_day),
                "first_attendance_date": dates(reg.first_attendance_day),
            },
            sis_dir / f"registrations{suffix}",
        )

        incidents = discipline.draw_incidents(
            sp, days, students, level, _rng(seed, "discipline", year)
        )
        n_inc = len(incidents.span)
        writer.write(
            BY_RAW_NAME["sis__discipline_incidents"],
            {
                "incident_id": text(
                    np.array([f"D{year % 100:02d}{i + 1:07d}" for i in range(n_inc)], dtype=object)
                ),
                "student_id": stu_col(sp.student[incidents.span]),
                "school_code": school_col(sp.school[incidents.span]),
                "incident_date": dates(days.dates(incidents.span, incidents.pos)),
                "offense_code": categorical(incidents.offense, discipline.OFFENSES),
                "action_code": categorical(incidents.action, discipline.ACTIONS),
                "action_days": pa.array(incidents.action_days, type=pa.float64()),
            },
            sis_dir / f"discipline_incidents{suffix}",
        )

        att = attendance.draw_attendance(
            sp, days, students, incidents, _rng(seed, "attendance", year)
        )
        writer.write(
            BY_RAW_NAME["sis__attendance"],
            {
                "student_id": stu_col(sp.student[att.span]),
                "school_code": school_col(sp.school[att.span]),
                "attendance_date": dates(att.day),
                "attendance_code": categorical(att.code, attendance.CODES),
                "absent_fraction": pa.array(att.absent_fraction, type=pa.float64()),
            },
            sis_dir / f"attendance{suffix}",
        )
        del att

        is_el_now = students["is_el_at_entry"] & (reclass_day > year_start_day)
        window = (day_number(date(year + 1, 4, 20)), day_number(date(year + 1, 5, 22)))
        scores = assessments.draw_scores(
            sp, students, is_el_now, window, as_of_day, _rng(seed, "assessments", year)
        )
        n_sc = len(scores.student)
        writer.write(
            BY_RAW_NAME["sis__assessments"],
            {
                "student_id": stu_col(scores.student),
                "school_year": categorical(np.zeros(n_sc), [label]),
                "test_date": dates(scores.test_day),
                "subject": text(scores.subject),
                "grade_tested": categorical(scores.grade, GRADE_LABELS),
                "scale_score": pa.array(scores.scale_score, type=pa.int32()),
                "performance_level": pa.array(scores.level, type=pa.int32()),
            },
            sis_dir / f"assessments{suffix}",
        )

        term_ends = _term_end_days(sp, calendars)
        marks = courses.draw_course_marks(sp, students, term_ends, _rng(seed, "courses", year))
        catalog = courses.CATALOG
        n_m = len(marks.span)
        writer.write(
            BY_RAW_NAME["sis__course_grades"],
            {
                "student_id": stu_col(sp.student[marks.span]),
                "school_code": school_col(sp.school[marks.span]),
                "school_year": categorical(np.zeros(n_m), [label]),
                "term": text(marks.term),
                "course_id": categorical(marks.course, [c[0] for c in catalog]),
                "course_title": categorical(marks.course, [c[1] for c in catalog]),
                "subject_area": categorical(marks.course, [c[2] for c in catalog]),
                "is_core": categorical(marks.course, [c[3] for c in catalog]),
                "ag_area": categorical(marks.course, [c[4] or None for c in catalog]),
                "credits_attempted": pa.array(marks.credits_attempted, type=pa.float64()),
                "credits_earned": pa.array(marks.credits_earned, type=pa.float64()),
                "mark": text(marks.mark),
            },
            sis_dir / f"course_grades{suffix}",
        )

        survey_day = day_number(date(year, 10, 6))
        if as_of_day > day_number(date(year, 10, 31)):
            survey_files.append(
                (
                    label,
                    survey.draw_responses(sp, students, survey_day, 18, _rng(seed, "survey", year)),
                )
            )

        if year >= tutoring.PROGRAM_FIRST_YEAR:
            most_in_need = (
                (students["ability"] < -0.15)
                | is_el_now
                | students["has_iep"]
                | students["is_foster"]
                | students["is_homeless"]
            )
            trng = _rng(seed, "tutoring", year)
            sessions.append(
                tutoring.draw_sessions(sp, days, students, most_in_need, as_of_day * 86400, trng)
            )
            cal0 = calendars[(year, 0)]
            breaks = cal0.dates[cal0.day_types == "BRK"]
            event_days = np.unique(np.r_[breaks[:2], breaks[-2:]]) if breaks.size else breaks
            accel.append(
                tutoring.draw_acceleration_days(sp, most_in_need, event_days, as_of_day, trng)
            )

    _write_snapshots(
        writer,
        sis_dir,
        prof,
        schools,
        students,
        student_ids,
        history,
        reclass_day,
        start_years,
        as_of_day,
        seed,
    )
    _write_survey(writer, out_dir / "survey", survey_files, student_ids, schools)
    tutoring_files = _write_tutoring(
        out_dir / "tutoring", sessions, accel, student_ids, schools, prof.page_size, summary
    )

    enrol_first_year = np.bincount(history.years[0].school, minlength=len(schools.codes))
    hr_rows = hr.build_hr(schools, enrol_first_year, start_years, as_of_day, _rng(seed, "hr"))
    hr_path = out_dir / "hr" / "hr.sqlite"
    hr_path.parent.mkdir(parents=True, exist_ok=True)
    hr.write_hr(hr_rows, hr_path)
    for name, rows in hr_rows.items():
        summary.rows[f"hr__{name}"] = len(rows)

    targets = planning.build_school_targets(schools, start_years[0], _rng(seed, "planning"))
    writer.write(
        PLANNING_TABLES[0],
        {c: pa.array(targets[c]) for c in targets.columns},
        out_dir / "planning" / "school_targets.csv",
    )
    writer.close()

    summary.rows.update(writer.rows)
    summary.files = sorted([*writer.files, *tutoring_files, hr_path])
    summary.bytes_written = sum(f.stat().st_size for f in summary.files)
    summary.seconds = time.perf_counter() - started
    return summary


def _term_end_days(sp, calendars) -> tuple[np.ndarray, np.ndarray]:
    """Per span, the last instructional day of semester 1 (day 90) and of semester 2."""
    s1 = np.array(
        [calendars[(sp.start_year, t)].instructional_days[89] for t in range(TRACK_COUNT)]
    )
    s2 = np.array([calendars[(sp.start_year, t)].last_day for t in range(TRACK_COUNT)])
    return s1[sp.track], s2[sp.track]


def _write_calendar(writer, schools, calendars, year, label, path) -> None:
    school_idx, day, kind = [], [], []
    kinds = np.array(["INSTR", "HOL", "PD", "BRK"], dtype=object)
    for s, track in enumerate(schools.tracks):
        cal = calendars[(year, int(track))]
        school_idx.append(np.full(cal.dates.size, s))
        day.append(cal.dates)
        kind.append(
            np.searchsorted(kinds.astype(str), cal.day_types, sorter=np.argsort(kinds.astype(str)))
        )
    order_kinds = kinds[np.argsort(kinds.astype(str))]
    school_idx, day, kind = map(np.concatenate, (school_idx, day, kind))
    writer.write(
        BY_RAW_NAME["sis__calendar_days"],
        {
            "school_code": categorical(school_idx, schools.codes),
            "school_year": categorical(np.zeros(day.size), [label]),
            "calendar_date": dates(day),
            "day_type": categorical(kind, order_kinds),
        },
        path,
    )


def _write_snapshots(
    writer,
    sis_dir,
    prof,
    schools,
    students,
    student_ids,
    history,
    reclass_day,
    start_years,
    as_of_day,
    seed,
) -> None:
    n_sch = len(schools.codes)
    low = {"ES": "KN", "MS": "06", "HS": "09"}
    high = {"ES": "05", "MS": "08", "HS": "12"}
    writer.write(
        BY_RAW_NAME["sis__schools"],
        {
            "school_code": text(schools.codes),
            "school_name": text(schools.names),
            "school_level": text(schools.levels),
            "low_grade": text([low[str(lv)] for lv in schools.levels]),
            "high_grade": text([high[str(lv)] for lv in schools.levels]),
            "street": text(schools.streets),
            "city": categorical(np.zeros(n_sch), [prof.city]),
            "state": categorical(np.zeros(n_sch), [prof.state]),
            "zip": text(schools.zips),
            "phone": text(schools.phones),
            "opened_date": dates(schools.opened_days),
            "is_active": categorical(np.zeros(n_sch), ["Y"]),
        },
        sis_dir / "schools.csv",
    )
    n = len(students)
    state_ids = np.char.mod(
        "%010d", (np.arange(n, dtype=np.int64) * 7919 + 104_729) % 9_000_000_000 + 1_000_000_000
    ).astype(object)
    race = students["race_codes"]
    writer.write(
        BY_RAW_NAME["sis__students"],
        {
            "student_id": text(student_ids),
            "state_student_id": text(state_ids),
            "last_name": text(students["last_name"]),
            "first_name": text(students["first_name"]),
            "middle_name": text(students["middle_name"]),
            "birth_date": dates(students["birth_day"]),
            "gender": text(students["gender"]),
            "is_hispanic_latino": text(np.where(students["is_hispanic"], "Y", "N")),
            "race_codes": text(race),
            "home_language": text(students["home_language"]),
            "address_zip": text(students["address_zip"]),
        },
        sis_dir / "students.csv",
    )
    spans = programs.build_program_spans(
        students,
        history.first_entry_day,
        reclass_day,
        start_years,
        as_of_day,
        _rng(seed, "programs", 1),
    )
    writer.write(
        BY_RAW_NAME["sis__program_spans"],
        {
            "student_id": categorical(spans.student, student_ids),
            "program_code": text(spans.program),
            "start_date": dates(spans.start_day),
            "end_date": dates(spans.end_day),
        },
        sis_dir / "program_spans.csv",
    )


def _write_survey(writer, folder, survey_files, student_ids, schools) -> None:
    items = SURVEY_TABLES[0]
    writer.write(
        items,
        {
            "item_id": text(survey.ITEM_IDS),
            "item_text": text([i[2] for i in survey.ITEMS]),
            "construct": text([i[0] for i in survey.ITEMS]),
            "construct_type": text([i[1] for i in survey.ITEMS]),
            "is_reversed": text(["Y" if i[3] else "N" for i in survey.ITEMS]),
            "scale_min": pa.array([1] * len(survey.ITEMS), type=pa.int32()),
            "scale_max": pa.array([survey.scale_max(i[1]) for i in survey.ITEMS], type=pa.int32()),
        },
        folder / "item_dictionary.csv",
    )
    header = list(SURVEY_TABLES[1].columns)[:6]
    for label, resp in survey_files:
        n = len(resp.student)
        columns = {
            "response_id": text(
                np.array([f"SV{label[:4]}{i + 1:07d}" for i in range(n)], dtype=object)
            ),
            "student_id": categorical(resp.student, student_ids),
            "school_code": categorical(resp.school, schools.codes),
            "grade_level": categorical(resp.grade, GRADE_LABELS),
            "started_at": text(timestamps_z(resp.started_at_s)),
            "submitted_at": text(timestamps_z(resp.submitted_at_s)),
        }
        for j, item_id in enumerate(survey.ITEM_IDS):
            values = resp.values[:, j].astype(np.int32)
            columns[item_id] = pa.array(values, mask=values == 0, type=pa.int32())
        writer.write_columns(
            "survey__responses_wide",
            header + survey.ITEM_IDS,
            columns,
            folder / f"responses__{label}__fall.csv",
        )


def _write_tutoring(folder, sessions, accel, student_ids, schools, page_size, summary) -> list:
    files = []
    s_cols = list(TUTORING_TABLES[0].columns)
    if sessions:
        s = tutoring.Sessions(
            *(
                np.concatenate([getattr(x, f) for x in sessions])
                for f in tutoring.Sessions.__dataclass_fields__
            )
        )
    else:
        s = None
    n = 0 if s is None else len(s.student)
    frame = pd.DataFrame(columns=s_cols)
    if n:
        order = np.lexsort((s.started_s, s.updated_s))
        frame = pd.DataFrame(
            {
                "session_id": np.char.mod("TS%08d", np.arange(1, n + 1)).astype(object),
                "student_id": student_ids[s.student[order]],
                "school_code": schools.codes[s.school[order]].astype(object),
                "service_type": tutoring.SERVICE_TYPES[s.service[order]],
                "subject": tutoring.SUBJECTS[s.subject[order]],
                "started_at": timestamps_z(s.started_s[order]),
                "duration_minutes": s.duration[order].astype(np.int64),
                "tutor_id": np.char.mod("TU%05d", s.tutor[order]).astype(object),
                "status": tutoring.STATUSES[s.status[order]],
                "updated_at": timestamps_z(s.updated_s[order]),
            }
        )[s_cols]
    files += write_json_pages(frame, folder / "sessions", page_size)
    summary.rows["tutoring__sessions"] = n
    a_cols = list(TUTORING_TABLES[1].columns)
    a = (
        tutoring.AccelerationDays(
            *(
                np.concatenate([getattr(x, f) for x in accel])
                for f in tutoring.AccelerationDays.__dataclass_fields__
            )
        )
        if accel
        else None
    )
    m = 0 if a is None else len(a.student)
    frame = pd.DataFrame(columns=a_cols)
    if m:
        order = np.lexsort((a.student, a.updated_s))
        frame = pd.DataFrame(
            {
                "record_id": np.char.mod("AD%08d", np.arange(1, m + 1)).astype(object),
                "student_id": student_ids[a.student[order]],
                "school_code": schools.codes[a.school[order]].astype(object),
                "event_date": np.datetime_as_string(a.day[order].astype("datetime64[D]")).astype(
                    object
                ),
                "hours_attended": a.hours[order],
                "updated_at": timestamps_z(a.updated_s[order]),
            }
        )[a_cols]
    files += write_json_pages(frame, folder / "acceleration_days", page_size)
    summary.rows["tutoring__acceleration_days"] = m
    return files
