"""Source contracts as code: every raw table's columns and DuckDB types.

ingestion/SOURCES.md describes the shapes in prose; this module is the single machine-readable
copy that the loaders (cast and quarantine), the synthetic generator (column order) and the
quality suites (expected columns and types) all read, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINEAGE_COLUMNS: dict[str, str] = {
    "_source_file": "VARCHAR",
    "_source_row": "BIGINT",
    "_loaded_at": "TIMESTAMPTZ",
}
SIS_LINEAGE_COLUMNS: dict[str, str] = {**LINEAGE_COLUMNS, "_drop_date": "DATE"}


NOT_REPORTED = "NR"
"""What an empty optional code column loads as: the source did not report it (gender `NR`)."""


@dataclass(frozen=True)
class TableContract:
    """One source table: where it comes from, its typed columns and its natural key.

    `required` columns are those a measure cannot be computed without (ids, school, dates, the
    codes that decide a measure): a row missing one is quarantined. Every other column is
    optional: a missing value keeps the row, as NULL, or as `NOT_REPORTED` for the code
    columns in `not_reported`, so that student groups count the row as "not reported" rather
    than drop it.
    """

    source: str
    name: str
    columns: dict[str, str]
    key: tuple[str, ...]
    year_scoped: bool = False
    required: tuple[str, ...] = field(default=())
    not_reported: tuple[str, ...] = field(default=())

    @property
    def raw_table(self) -> str:
        return f"{self.source}__{self.name}"


def _t(source, name, columns, key, year_scoped=False, required=(), not_reported=()):
    return TableContract(
        source, name, dict(columns), tuple(key), year_scoped, tuple(required), tuple(not_reported)
    )


V, D, I, N, TS = "VARCHAR", "DATE", "INTEGER", "DOUBLE", "TIMESTAMPTZ"  # noqa: E741

SIS_TABLES = [
    _t(
        "sis",
        "schools",
        {
            "school_code": V,
            "school_name": V,
            "school_level": V,
            "low_grade": V,
            "high_grade": V,
            "street": V,
            "city": V,
            "state": V,
            "zip": V,
            "phone": V,
            "opened_date": D,
            "is_active": V,
        },
        ["school_code"],
        required=["school_code", "school_name", "school_level"],
    ),
    _t(
        "sis",
        "students",
        {
            "student_id": V,
            "state_student_id": V,
            "last_name": V,
            "first_name": V,
            "middle_name": V,
            "birth_date": D,
            "gender": V,
            "is_hispanic_latino": V,
            "race_codes": V,
            "home_language": V,
            "address_zip": V,
        },
        ["student_id"],
        # Names, birth date, ethnicity, race, language and address are optional: no measure
        # needs them, and a district's export missing gender for most students must still load.
        required=["student_id"],
        not_reported=["gender"],
    ),
    _t(
        "sis",
        "program_spans",
        {
            "student_id": V,
            "program_code": V,
            "start_date": D,
            "end_date": D,
        },
        ["student_id", "program_code", "start_date"],
        required=["student_id", "program_code", "start_date"],
    ),
    _t(
        "sis",
        "calendar_days",
        {
            "school_code": V,
            "school_year": V,
            "calendar_date": D,
            "day_type": V,
        },
        ["school_code", "calendar_date"],
        year_scoped=True,
        required=["school_code", "school_year", "calendar_date", "day_type"],
    ),
    _t(
        "sis",
        "enrollments",
        {
            "student_id": V,
            "school_code": V,
            "school_year": V,
            "grade_level": V,
            "entry_date": D,
            "exit_date": D,
            "entry_code": V,
            "exit_code": V,
        },
        ["student_id", "school_code", "entry_date"],
        year_scoped=True,
        required=["student_id", "school_code", "school_year", "grade_level", "entry_date"],
    ),
    _t(
        "sis",
        "registrations",
        {
            "registration_id": V,
            "student_id": V,
            "school_code": V,
            "school_year": V,
            "registration_date": D,
            "placement_date": D,
            "first_attendance_date": D,
        },
        ["registration_id"],
        year_scoped=True,
        required=["registration_id", "student_id", "school_code", "registration_date"],
    ),
    _t(
        "sis",
        "attendance",
        {
            "student_id": V,
            "school_code": V,
            "attendance_date": D,
            "attendance_code": V,
            "absent_fraction": N,
        },
        ["student_id", "school_code", "attendance_date"],
        year_scoped=True,
        required=["student_id", "school_code", "attendance_date", "attendance_code"],
    ),
    _t(
        "sis",
        "assessments",
        {
            "student_id": V,
            "school_year": V,
            "test_date": D,
            "subject": V,
            "grade_tested": V,
            "scale_score": I,
            "performance_level": I,
        },
        ["student_id", "school_year", "subject"],
        year_scoped=True,
        required=["student_id", "school_year", "subject", "scale_score"],
    ),
    _t(
        "sis",
        "course_grades",
        {
            "student_id": V,
            "school_code": V,
            "school_year": V,
            "term": V,
            "course_id": V,
            "course_title": V,
            "subject_area": V,
            "is_core": V,
            "ag_area": V,
            "credits_attempted": N,
            "credits_earned": N,
            "mark": V,
            # A student moving school mid-term has the course at both schools, each with a mark.
        },
        ["student_id", "school_code", "school_year", "term", "course_id"],
        year_scoped=True,
        required=["student_id", "school_code", "school_year", "term", "course_id", "mark"],
    ),
    _t(
        "sis",
        "discipline_incidents",
        {
            "incident_id": V,
            "student_id": V,
            "school_code": V,
            "incident_date": D,
            "offense_code": V,
            "action_code": V,
            "action_days": N,
        },
        ["incident_id"],
        year_scoped=True,
        required=["incident_id", "student_id", "school_code", "incident_date"],
    ),
]

HR_TABLES = [
    _t(
        "hr",
        "staff",
        {
            "staff_id": V,
            "last_name": V,
            "first_name": V,
            "birth_date": D,
            "gender": V,
            "is_hispanic_latino": I,
            "race_codes": V,
            "original_hire_date": D,
            "separation_date": D,
            "last_modified_at": TS,
        },
        ["staff_id"],
        required=["staff_id"],
    ),
    _t(
        "hr",
        "positions",
        {
            "position_id": V,
            "school_code": V,
            "job_category": V,
            "job_title": V,
            "fte": N,
            "is_active": I,
            "last_modified_at": TS,
        },
        ["position_id"],
        required=["position_id", "job_category"],
    ),
    _t(
        "hr",
        "assignments",
        {
            "assignment_id": V,
            "staff_id": V,
            "position_id": V,
            "school_code": V,
            "job_category": V,
            "job_title": V,
            "fte": N,
            "annual_salary": N,
            "start_date": D,
            "end_date": D,
            "last_modified_at": TS,
        },
        ["assignment_id"],
        required=["assignment_id", "staff_id", "start_date"],
    ),
    _t(
        "hr",
        "vacancies",
        {
            "vacancy_id": V,
            "position_id": V,
            "school_code": V,
            "job_category": V,
            "posted_date": D,
            "filled_date": D,
            "closed_date": D,
            "status": V,
            "last_modified_at": TS,
        },
        ["vacancy_id"],
        required=["vacancy_id", "posted_date", "status"],
    ),
    _t(
        "hr",
        "applications",
        {
            "application_id": V,
            "applicant_id": V,
            "vacancy_id": V,
            "applied_date": D,
            "is_hispanic_latino": I,
            "race_codes": V,
            "gender": V,
            "last_modified_at": TS,
        },
        ["application_id"],
        required=["application_id", "vacancy_id", "applied_date"],
    ),
    _t(
        "hr",
        "application_events",
        {
            "application_id": V,
            "stage": V,
            "event_date": D,
            "last_modified_at": TS,
        },
        ["application_id", "stage"],
        required=["application_id", "stage", "event_date"],
    ),
]

TUTORING_TABLES = [
    _t(
        "tutoring",
        "sessions",
        {
            "session_id": V,
            "student_id": V,
            "school_code": V,
            "service_type": V,
            "subject": V,
            "started_at": TS,
            "duration_minutes": I,
            "tutor_id": V,
            "status": V,
            "updated_at": TS,
        },
        ["session_id"],
        required=["session_id", "student_id", "service_type", "started_at"],
    ),
    _t(
        "tutoring",
        "acceleration_days",
        {
            "record_id": V,
            "student_id": V,
            "school_code": V,
            "event_date": D,
            "hours_attended": N,
            "updated_at": TS,
        },
        ["record_id"],
        required=["record_id", "student_id", "event_date"],
    ),
]

SURVEY_TABLES = [
    _t(
        "survey",
        "items",
        {
            "item_id": V,
            "item_text": V,
            "construct": V,
            "construct_type": V,
            "is_reversed": V,
            "scale_min": I,
            "scale_max": I,
        },
        ["item_id"],
        required=["item_id", "construct", "is_reversed"],
    ),
    # The wide export made long by ingestion: one row per response and answered item.
    _t(
        "survey",
        "responses",
        {
            "response_id": V,
            "student_id": V,
            "school_code": V,
            "grade_level": V,
            "started_at": TS,
            "submitted_at": TS,
            "school_year": V,
            "season": V,
            "item_id": V,
            "response_value": I,
        },
        ["response_id", "item_id"],
        required=["response_id", "school_code", "item_id"],
    ),
]

PLANNING_TABLES = [
    _t(
        "planning",
        "school_targets",
        {
            "school_code": V,
            "goal_code": V,
            "student_group": V,
            "baseline_school_year": V,
            "baseline_value": N,
            "target_school_year": V,
            "target_value": N,
            "trajectory": V,
        },
        ["school_code", "goal_code", "student_group"],
        required=["school_code", "goal_code", "student_group", "target_value", "trajectory"],
    ),
]

ALL_TABLES: list[TableContract] = [
    *SIS_TABLES,
    *HR_TABLES,
    *TUTORING_TABLES,
    *SURVEY_TABLES,
    *PLANNING_TABLES,
]
BY_RAW_NAME: dict[str, TableContract] = {t.raw_table: t for t in ALL_TABLES}


# Referential integrity: each (child column, parent raw table, parent column) of a child table.
# At load, a child row whose parent is missing is quarantined (`parent_rules.py`) when the parent
# comes from the same source (loaded first, in contract order); the quality suites check all.
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "sis__enrollments": [
        ("student_id", "sis__students", "student_id"),
        ("school_code", "sis__schools", "school_code"),
    ],
    "sis__attendance": [
        ("student_id", "sis__students", "student_id"),
        ("school_code", "sis__schools", "school_code"),
    ],
    "sis__program_spans": [("student_id", "sis__students", "student_id")],
    "sis__assessments": [("student_id", "sis__students", "student_id")],
    "sis__course_grades": [("student_id", "sis__students", "student_id")],
    "sis__discipline_incidents": [("student_id", "sis__students", "student_id")],
    "sis__registrations": [("student_id", "sis__students", "student_id")],
    "sis__calendar_days": [("school_code", "sis__schools", "school_code")],
    "hr__assignments": [
        ("staff_id", "hr__staff", "staff_id"),
        ("position_id", "hr__positions", "position_id"),
    ],
    "hr__application_events": [("application_id", "hr__applications", "application_id")],
    "hr__applications": [("vacancy_id", "hr__vacancies", "vacancy_id")],
    "tutoring__sessions": [("student_id", "sis__students", "student_id")],
    "tutoring__acceleration_days": [("student_id", "sis__students", "student_id")],
    "survey__responses": [("item_id", "survey__items", "item_id")],
}


def tables_for(source: str) -> list[TableContract]:
    """The contracts of one source system, in load order."""
    return [t for t in ALL_TABLES if t.source == source]


def lineage_columns(source: str) -> dict[str, str]:
    return SIS_LINEAGE_COLUMNS if source == "sis" else LINEAGE_COLUMNS
