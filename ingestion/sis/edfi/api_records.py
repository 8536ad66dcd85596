"""Ed-Fi ODS/API resources (JSON) as the same flat records as the XML interchanges.

One extractor per resource the pipeline reads, giving the record type and columns of
`records.py`, so both transports fill the same staging tables and the same contract SELECTs
map them: the same records give the same warehouse. Field names are the Resources API v3's
(Data Standard 4 and 5); the school year of a reference is its ending year (`2022`).
"""

from __future__ import annotations

from collections.abc import Callable

from ingestion.sis.edfi.records import SCORE_SEPARATOR, school_year_text


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def _get(record: dict, path: str):
    value = record
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return _text(value)


def _each(record: dict, collection: str, field: str) -> list[str]:
    values = [
        _text(item.get(field)) for item in record.get(collection) or [] if isinstance(item, dict)
    ]
    return [v for v in values if v]


def _joined(values: list[str]) -> str | None:
    return ";".join(values) or None


def _typed(items: list, type_field: str, wanted: str) -> dict | None:
    """The item whose descriptor `type_field` ends in `#wanted`, else the first, else None."""
    items = [i for i in items or [] if isinstance(i, dict)]
    for item in items:
        if (_text(item.get(type_field)) or "").endswith(f"#{wanted}"):
            return item
    return items[0] if items else None


def school(r: dict) -> dict:
    address = _typed(r.get("addresses"), "addressTypeDescriptor", "Physical") or {}
    phone = _typed(
        r.get("institutionTelephones"), "institutionTelephoneNumberTypeDescriptor", "Main"
    )
    categories = _each(r, "schoolCategories", "schoolCategoryDescriptor")
    return {
        "school_id": _get(r, "schoolId"),
        "name": _get(r, "nameOfInstitution"),
        "category": categories[0] if categories else None,
        "grade_levels": _joined(_each(r, "gradeLevels", "gradeLevelDescriptor")),
        "street": _text(address.get("streetNumberName")),
        "city": _text(address.get("city")),
        "state": _text(address.get("stateAbbreviationDescriptor")),
        "zip": _text(address.get("postalCode")),
        "phone": _text((phone or {}).get("telephoneNumber")),
        "operational_status": _get(r, "operationalStatusDescriptor"),
    }


def calendar_date(r: dict) -> dict:
    return {
        "school_id": _get(r, "calendarReference.schoolId"),
        "school_year": school_year_text(_get(r, "calendarReference.schoolYear")),
        "calendar_code": _get(r, "calendarReference.calendarCode"),
        "calendar_date": _get(r, "date"),
        "events": _joined(_each(r, "calendarEvents", "calendarEventDescriptor")),
    }


def student(r: dict) -> dict:
    return {
        "student_unique_id": _get(r, "studentUniqueId"),
        "first_name": _get(r, "firstName"),
        "middle_name": _get(r, "middleName"),
        "last_surname": _get(r, "lastSurname"),
        "birth_date": _get(r, "birthDate"),
    }


def student_edorg(r: dict) -> dict:
    state_id = None
    for code in r.get("studentIdentificationCodes") or []:
        if (_text(code.get("studentIdentificationSystemDescriptor")) or "").endswith("#State"):
            state_id = _text(code.get("identificationCode"))
    home_language = None
    for language in r.get("languages") or []:
        uses = [_text(u.get("languageUseDescriptor")) or "" for u in language.get("uses") or []]
        if home_language is None or any(u.endswith("#Home language") for u in uses):
            home_language = _text(language.get("languageDescriptor"))
    address = _typed(r.get("addresses"), "addressTypeDescriptor", "Home") or {}
    return {
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "edorg_id": _get(r, "educationOrganizationReference.educationOrganizationId"),
        "state_student_id": state_id,
        "sex": _get(r, "sexDescriptor"),
        "hispanic_latino": _get(r, "hispanicLatinoEthnicity"),
        "races": _joined(_each(r, "races", "raceDescriptor")),
        "home_language": home_language,
        "address_zip": _text(address.get("postalCode")),
    }


def student_school(r: dict) -> dict:
    return {
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "school_id": _get(r, "schoolReference.schoolId"),
        "school_year": school_year_text(_get(r, "schoolYearTypeReference.schoolYear")),
        "entry_date": _get(r, "entryDate"),
        "entry_grade_level": _get(r, "entryGradeLevelDescriptor"),
        "entry_type": _get(r, "entryTypeDescriptor"),
        "exit_date": _get(r, "exitWithdrawDate"),
        "exit_type": _get(r, "exitWithdrawTypeDescriptor"),
    }


def attendance_event(r: dict) -> dict:
    return {
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "school_id": _get(r, "schoolReference.schoolId"),
        "school_year": school_year_text(_get(r, "sessionReference.schoolYear")),
        "event_date": _get(r, "eventDate"),
        "category": _get(r, "attendanceEventCategoryDescriptor"),
        "duration": _get(r, "eventDuration"),
    }


def _program(association: str) -> Callable[[dict], dict]:
    def extract(r: dict) -> dict:
        return {
            "association": association,
            "student_unique_id": _get(r, "studentReference.studentUniqueId"),
            "program_name": _get(r, "programReference.programName"),
            "program_type": _get(r, "programReference.programTypeDescriptor"),
            "begin_date": _get(r, "beginDate"),
            "end_date": _get(r, "endDate"),
        }

    return extract


def assessment(r: dict) -> dict:
    subjects = _each(r, "academicSubjects", "academicSubjectDescriptor")
    return {
        "assessment_identifier": _get(r, "assessmentIdentifier"),
        "namespace": _get(r, "namespace"),
        "academic_subject": subjects[0] if subjects else None,
    }


def student_assessment(r: dict) -> dict:
    scores = [
        f"{_text(s.get('assessmentReportingMethodDescriptor')) or ''}{SCORE_SEPARATOR}"
        f"{_text(s.get('result')) or ''}"
        for s in r.get("scoreResults") or []
    ]
    levels = _each(r, "performanceLevels", "performanceLevelDescriptor")
    administered = _get(r, "administrationDate")
    return {
        "student_assessment_identifier": _get(r, "studentAssessmentIdentifier"),
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "assessment_identifier": _get(r, "assessmentReference.assessmentIdentifier"),
        "namespace": _get(r, "assessmentReference.namespace"),
        "administration_date": administered[:10] if administered else None,
        "school_year": school_year_text(_get(r, "schoolYearTypeReference.schoolYear")),
        "grade_level": _get(r, "whenAssessedGradeLevelDescriptor"),
        "scores": "\n".join(scores) or None,
        "performance_level": levels[0] if levels else None,
    }


def discipline_incident(r: dict) -> dict:
    return {
        "element_id": None,
        "incident_identifier": _get(r, "incidentIdentifier"),
        "school_id": _get(r, "schoolReference.schoolId"),
        "incident_date": _get(r, "incidentDate"),
    }


def discipline_behavior(r: dict) -> dict:
    return {
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "incident_ref": None,
        "incident_identifier": _get(r, "disciplineIncidentReference.incidentIdentifier"),
        "school_id": _get(r, "disciplineIncidentReference.schoolId"),
        "behavior": _get(r, "behaviorDescriptor"),
    }


def discipline_action(r: dict) -> dict:
    disciplines = _each(r, "disciplines", "disciplineDescriptor")
    behaviors = [
        b
        for b in r.get("studentDisciplineIncidentBehaviorAssociations") or []
        if isinstance(b, dict)
    ]
    behavior = behaviors[0] if behaviors else {}
    return {
        "action_identifier": _get(r, "disciplineActionIdentifier"),
        "discipline": disciplines[0] if disciplines else None,
        "discipline_date": _get(r, "disciplineDate"),
        "action_length": _get(r, "actualDisciplineActionLength")
        or _get(r, "disciplineActionLength"),
        "student_unique_id": _get(r, "studentReference.studentUniqueId"),
        "incident_identifier": _text(behavior.get("incidentIdentifier")),
        "school_id": _text(behavior.get("schoolId")),
    }


PROGRAM_RESOURCES = {
    "studentProgramAssociations": "StudentProgramAssociation",
    "studentSpecialEducationProgramAssociations": "StudentSpecialEducationProgramAssociation",
    "studentSection504ProgramAssociations": "StudentSection504ProgramAssociation",
    "studentLanguageInstructionProgramAssociations": "StudentLanguageInstructionProgramAssociation",
    "studentHomelessProgramAssociations": "StudentHomelessProgramAssociation",
    "studentSchoolFoodServiceProgramAssociations": "StudentSchoolFoodServiceProgramAssociation",
    "studentMigrantEducationProgramAssociations": "StudentMigrantEducationProgramAssociation",
    "studentTitleIPartAProgramAssociations": "StudentTitleIPartAProgramAssociation",
    "studentCTEProgramAssociations": "StudentCTEProgramAssociation",
    "studentNeglectedOrDelinquentProgramAssociations": (
        "StudentNeglectedOrDelinquentProgramAssociation"
    ),
}

RESOURCES: dict[str, tuple[str, Callable[[dict], dict]]] = {
    "schools": ("school", school),
    "calendarDates": ("calendar_date", calendar_date),
    "students": ("student", student),
    "studentEducationOrganizationAssociations": ("student_edorg", student_edorg),
    "studentSchoolAssociations": ("student_school", student_school),
    "studentSchoolAttendanceEvents": ("attendance_event", attendance_event),
    **{resource: ("program", _program(element)) for resource, element in PROGRAM_RESOURCES.items()},
    "assessments": ("assessment", assessment),
    "studentAssessments": ("student_assessment", student_assessment),
    "disciplineIncidents": ("discipline_incident", discipline_incident),
    "studentDisciplineIncidentBehaviorAssociations": ("discipline_behavior", discipline_behavior),
    "disciplineActions": ("discipline_action", discipline_action),
}
"""Resource (its URL name) → (record type, extractor), in the order they are pulled."""
