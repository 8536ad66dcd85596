"""The SIS contract's tables as SELECTs over the Ed-Fi staging tables (`interchange.py`).

One SELECT per contract table gives every contract column as text, the lineage columns
(`_source_file`, `_source_row` of the Ed-Fi element the row comes from, `_drop_date`) and,
for each column mapped from a descriptor, `_unmapped_<column>`: the URI when it has no row in
the descriptor map. `load_typed` quarantines those rows (`unmapped_descriptor`) before any
other check, so a district sees the value to add to its map and nothing is dropped.

Mapping choices (each is also in ingestion/sis/README.md):
- students: names and birth date from `Student`; state id, sex, Hispanic/Latino, races, home
  language and ZIP from the student's first `StudentEducationOrganizationAssociation` in file
  order (one per student in a district's own interchange);
- enrolments: `StudentSchoolAssociation`; the school year is its `SchoolYear`, or the school
  year (July–June) of the entry date;
- attendance: `StudentSchoolAttendanceEvent`; the category maps to the code; an absence whose
  `EventDuration` is under 1 day becomes a partial-day absence (`PRT`) of that fraction; tardy
  and in-school suspension count 0, other absences 1;
- calendar days: `CalendarDate`; a date with an instructional event is `INSTR`, else its first
  event's code;
- program spans: every student program association (generic and the subtypes) by its
  `ProgramType` descriptor;
- assessments: `StudentAssessment` joined to its `Assessment` for the subject; the scale score
  is the first score result whose reporting method maps to `SCALE`;
- discipline: one row per `StudentDisciplineIncidentBehaviorAssociation` (incident_id is
  `<school>-<incident>-<student>`, unique per student and incident), with the incident's date
  and the first `DisciplineAction` for that student and incident;
- registrations and course grades: no Ed-Fi interchange is read for them yet (no rows).
"""

from __future__ import annotations

from ingestion.common.typed_load import RowCheck
from ingestion.contracts import TableContract
from ingestion.sis.edfi.interchange import staging_table as t
from warehouse.sql import quote_identifier

GRADE_ORDER = "['TK', 'KN', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12']"


def _school_year_of(date_sql: str) -> str:
    """SQL: the `YYYY-YY` school year (July–June) of a date written as text, or NULL."""
    start = f"year(try_cast({date_sql} as date) - interval 6 month)"
    return f"(cast({start} as varchar) || '-' || right(cast({start} + 1 as varchar), 2))"


def descriptor_codes(list_sql: str) -> str:
    """SQL: the codes of a `;`-separated list of descriptor URIs (NULL for an unmapped one)."""
    return f"list_transform(string_split({list_sql}, ';'), lambda v: edfi_code(v))"


def first_unmapped(list_sql: str) -> str:
    """SQL: the first URI of a `;`-separated list that the descriptor map lacks, or NULL."""
    return f"list_filter(string_split({list_sql}, ';'), lambda v: edfi_unmapped(v) is not null)[1]"


def sorted_codes(list_sql: str) -> str:
    """SQL: the distinct mapped codes of a descriptor list, sorted and `;`-joined (races)."""
    return (
        f"nullif(array_to_string(list_sort(list_distinct({descriptor_codes(list_sql)})), ';'), '')"
    )


def boolean_text(sql: str, true_value: str, false_value: str) -> str:
    """SQL: an xs:boolean (`true`/`1`, `false`/`0`) as the contract's flag values; any other
    text is kept as sent, for the typed load to report."""
    return (
        f"case lower({sql}) when 'true' then '{true_value}' when '1' then '{true_value}' "
        f"when 'false' then '{false_value}' when '0' then '{false_value}' else {sql} end"
    )


def _code_value(uri_sql: str) -> str:
    """The code value of a descriptor taken as is (state abbreviations, behaviours)."""
    return f"case when {uri_sql} like '%#%' then split_part({uri_sql}, '#', 2) else {uri_sql} end"


_LINEAGE = "r._source_file, r._source_row, f.drop_date as _drop_date"
_FILES = "join _edfi_files as f on f.source_file = r._source_file"

SELECTS: dict[str, str] = {
    "schools": f"""
        select
            r.school_id as school_code,
            r.name as school_name,
            edfi_code(r.category) as school_level,
            {GRADE_ORDER}[list_min(list_transform({descriptor_codes("r.grade_levels")},
                lambda c: list_position({GRADE_ORDER}, c)))] as low_grade,
            {GRADE_ORDER}[list_max(list_transform({descriptor_codes("r.grade_levels")},
                lambda c: list_position({GRADE_ORDER}, c)))] as high_grade,
            r.street, r.city, {_code_value("r.state")} as state, r.zip, r.phone,
            null as opened_date,
            edfi_code(r.operational_status) as is_active,
            edfi_unmapped(r.category) as _unmapped_school_level,
            {first_unmapped("r.grade_levels")} as _unmapped_low_grade,
            edfi_unmapped(r.operational_status) as _unmapped_is_active,
            {_LINEAGE}
        from {t("school")} as r {_FILES}
    """,
    "students": f"""
        with edorg as (
            select * from {t("student_edorg")}
            qualify row_number() over (
                partition by student_unique_id order by _source_file, _source_row) = 1
        )
        select
            r.student_unique_id as student_id,
            e.state_student_id,
            r.last_surname as last_name,
            r.first_name,
            r.middle_name,
            r.birth_date,
            edfi_code(e.sex) as gender,
            {boolean_text("e.hispanic_latino", "Y", "N")} as is_hispanic_latino,
            {sorted_codes("e.races")} as race_codes,
            edfi_code(e.home_language) as home_language,
            e.address_zip,
            edfi_unmapped(e.sex) as _unmapped_gender,
            {first_unmapped("e.races")} as _unmapped_race_codes,
            edfi_unmapped(e.home_language) as _unmapped_home_language,
            {_LINEAGE}
        from {t("student")} as r {_FILES}
        left join edorg as e on e.student_unique_id = r.student_unique_id
    """,
    "program_spans": f"""
        select
            r.student_unique_id as student_id,
            edfi_code(r.program_type) as program_code,
            r.begin_date as start_date,
            r.end_date,
            edfi_unmapped(r.program_type) as _unmapped_program_code,
            r.program_name as _edfi_program_name,
            r.association as _edfi_association,
            {_LINEAGE}
        from {t("program")} as r {_FILES}
    """,
    "calendar_days": f"""
        select
            r.school_id as school_code,
            coalesce(r.school_year, {_school_year_of("r.calendar_date")}) as school_year,
            r.calendar_date,
            case when list_contains({descriptor_codes("r.events")}, 'INSTR') then 'INSTR'
                else {descriptor_codes("r.events")}[1] end as day_type,
            {first_unmapped("r.events")} as _unmapped_day_type,
            r.calendar_code as _edfi_calendar_code,
            {_LINEAGE}
        from {t("calendar_date")} as r {_FILES}
    """,
    "enrollments": f"""
        select
            r.student_unique_id as student_id,
            r.school_id as school_code,
            coalesce(r.school_year, {_school_year_of("r.entry_date")}) as school_year,
            edfi_code(r.entry_grade_level) as grade_level,
            r.entry_date,
            r.exit_date,
            edfi_code(r.entry_type) as entry_code,
            edfi_code(r.exit_type) as exit_code,
            edfi_unmapped(r.entry_grade_level) as _unmapped_grade_level,
            edfi_unmapped(r.entry_type) as _unmapped_entry_code,
            edfi_unmapped(r.exit_type) as _unmapped_exit_code,
            {_LINEAGE}
        from {t("student_school")} as r {_FILES}
    """,
    "attendance": f"""
        with coded as (
            select r.*, edfi_code(r.category) as code, try_cast(r.duration as double) as days
            from {t("attendance_event")} as r
        )
        select
            r.student_unique_id as student_id,
            r.school_id as school_code,
            r.event_date as attendance_date,
            case when r.code in ('EXC', 'UNX', 'OSS') and r.days < 1 then 'PRT'
                else r.code end as attendance_code,
            case when r.code in ('TDY', 'ISS') then '0'
                when r.code = 'PRT' or (r.code in ('EXC', 'UNX', 'OSS') and r.days < 1)
                    then r.duration
                when r.code is not null then '1' end as absent_fraction,
            edfi_unmapped(r.category) as _unmapped_attendance_code,
            {_LINEAGE}
        from coded as r {_FILES}
    """,
    "assessments": f"""
        with assessment as (
            select * from {t("assessment")}
            qualify row_number() over (
                partition by assessment_identifier, namespace
                order by _source_file, _source_row) = 1
        )
        select
            r.student_unique_id as student_id,
            coalesce(r.school_year, {_school_year_of("r.administration_date")}) as school_year,
            r.administration_date as test_date,
            edfi_code(a.academic_subject) as subject,
            edfi_code(r.grade_level) as grade_tested,
            split_part(list_filter(string_split(r.scores, chr(10)),
                lambda s: edfi_code(split_part(s, chr(9), 1)) = 'SCALE')[1], chr(9), 2)
                as scale_score,
            edfi_code(r.performance_level) as performance_level,
            edfi_unmapped(a.academic_subject) as _unmapped_subject,
            edfi_unmapped(r.grade_level) as _unmapped_grade_tested,
            edfi_unmapped(r.performance_level) as _unmapped_performance_level,
            r.assessment_identifier as _edfi_assessment_identifier,
            {_LINEAGE}
        from {t("student_assessment")} as r {_FILES}
        left join assessment as a
            on a.assessment_identifier = r.assessment_identifier
            and a.namespace is not distinct from r.namespace
    """,
    "discipline_incidents": f"""
        with action as (
            select * from {t("discipline_action")}
            qualify row_number() over (
                partition by student_unique_id, school_id, incident_identifier
                order by _source_file, _source_row) = 1
        ),
        behavior as (
            select
                r.*,
                coalesce(i.incident_identifier, r.incident_identifier) as incident,
                coalesce(i.school_id, r.school_id) as school,
                i.incident_date
            from {t("discipline_behavior")} as r
            left join {t("discipline_incident")} as i
                on i.element_id = r.incident_ref
                or (r.incident_ref is null and i.incident_identifier = r.incident_identifier
                    and i.school_id = r.school_id)
        )
        select
            r.school || '-' || r.incident || '-' || r.student_unique_id as incident_id,
            r.student_unique_id as student_id,
            r.school as school_code,
            r.incident_date,
            {_code_value("r.behavior")} as offense_code,
            edfi_code(a.discipline) as action_code,
            a.action_length as action_days,
            edfi_unmapped(a.discipline) as _unmapped_action_code,
            {_LINEAGE}
        from behavior as r {_FILES}
        left join action as a
            on a.student_unique_id = r.student_unique_id
            and a.school_id = r.school
            and a.incident_identifier = r.incident
    """,
}
"""Contract table → its SELECT; tables not here (registrations, course grades) get no rows."""

RECORD_TYPES: dict[str, tuple[str, ...]] = {
    "schools": ("school",),
    "students": ("student", "student_edorg"),
    "program_spans": ("program",),
    "calendar_days": ("calendar_date",),
    "enrollments": ("student_school",),
    "attendance": ("attendance_event",),
    "assessments": ("student_assessment", "assessment"),
    "discipline_incidents": ("discipline_behavior", "discipline_incident", "discipline_action"),
}
"""Contract table → the record types it is built from (for its files and counts)."""


ROW_CHECKS: dict[str, list[RowCheck]] = {
    "attendance": [
        RowCheck(
            "attendance_code = 'PRT' and nullif(absent_fraction, '') is null",
            "partial_day_without_duration",
            "absent_fraction",
            "absent_fraction",
        )
    ],
}
"""Checks of the Ed-Fi mapping beyond the contract's: a partial-day event with no
`EventDuration` has no share of the day to count, so it is quarantined rather than guessed."""


def unmapped_columns(contract: TableContract, select: str | None = None) -> list[str]:
    """Contract columns of the table that are mapped from a descriptor (in `select`, by default
    the table's SELECT here)."""
    select = SELECTS.get(contract.name, "") if select is None else select
    return [c for c in contract.columns if f"_unmapped_{c}" in select]


def no_rows_select(contract: TableContract) -> str:
    columns = ", ".join(f"null::varchar as {quote_identifier(c)}" for c in contract.columns)
    return (
        f"select {columns}, null::varchar as _source_file, null::bigint as _source_row, "
        "null::date as _drop_date where false"
    )
