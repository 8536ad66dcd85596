"""Ed-Fi entities as flat text records: one extractor per interchange element the pipeline reads.

Each extractor takes one top-level interchange element (Data Standard 4 or 5; namespaces are
ignored) and returns a dict of text values with the columns of its record type below.
Descriptors are kept as the full URI the source sent (`uri://ed-fi.org/GradeLevelDescriptor#
Ninth grade`); mapping them to contract codes happens in SQL (`contract_selects.py`) so that an
unmapped value is quarantined with its text. Several values of one element (a school's grade
levels, a student's races) are joined with `;`.

References are read both ways the XSD allows: as identity elements (`StudentReference/
StudentIdentity/StudentUniqueId`) and, for discipline incidents, as a `ref` attribute pointing
at the referenced element's `id`.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from warehouse.school_year import school_year_label

RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "school": (
        "school_id",
        "name",
        "category",
        "grade_levels",
        "street",
        "city",
        "state",
        "zip",
        "phone",
        "operational_status",
    ),
    "calendar_date": ("school_id", "school_year", "calendar_code", "calendar_date", "events"),
    "student": ("student_unique_id", "first_name", "middle_name", "last_surname", "birth_date"),
    "student_edorg": (
        "student_unique_id",
        "edorg_id",
        "state_student_id",
        "sex",
        "hispanic_latino",
        "races",
        "home_language",
        "address_zip",
    ),
    "student_school": (
        "student_unique_id",
        "school_id",
        "school_year",
        "entry_date",
        "entry_grade_level",
        "entry_type",
        "exit_date",
        "exit_type",
    ),
    "attendance_event": (
        "student_unique_id",
        "school_id",
        "school_year",
        "event_date",
        "category",
        "duration",
    ),
    "program": (
        "association",
        "student_unique_id",
        "program_name",
        "program_type",
        "begin_date",
        "end_date",
    ),
    "assessment": ("assessment_identifier", "namespace", "academic_subject"),
    "student_assessment": (
        "student_assessment_identifier",
        "student_unique_id",
        "assessment_identifier",
        "namespace",
        "administration_date",
        "school_year",
        "grade_level",
        "scores",
        "performance_level",
    ),
    "discipline_incident": ("element_id", "incident_identifier", "school_id", "incident_date"),
    "discipline_behavior": (
        "student_unique_id",
        "incident_ref",
        "incident_identifier",
        "school_id",
        "behavior",
    ),
    "discipline_action": (
        "action_identifier",
        "discipline",
        "discipline_date",
        "action_length",
        "student_unique_id",
        "incident_identifier",
        "school_id",
    ),
}

SCORE_SEPARATOR = "\t"
"""Between a score's reporting method and its result in `student_assessment.scores`."""


def text_at(element: Element | None, path: str) -> str | None:
    """The stripped text at `path` (local names separated by `/`), or None."""
    if element is None:
        return None
    found = element.find("/".join(f"{{*}}{step}" for step in path.split("/")))
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def texts_at(element: Element, path: str) -> list[str]:
    steps = "/".join(f"{{*}}{step}" for step in path.split("/"))
    return [e.text.strip() for e in element.findall(steps) if e.text and e.text.strip()]


def joined(values: list[str]) -> str | None:
    return ";".join(values) or None


def _child(element: Element, path: str) -> Element | None:
    return element.find("/".join(f"{{*}}{step}" for step in path.split("/")))


def _date(value: str | None) -> str | None:
    """`2021-04-01T16:00:00` → `2021-04-01`; dates are kept as written."""
    return value[:10] if value else None


def school_year_text(value: str | None) -> str | None:
    """The contract's `YYYY-YY` from Ed-Fi's `2021-2022` (XML) or `2022` (the ending year)."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 9 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        return f"{value[:4]}-{value[7:]}"
    if len(value) == 4 and value.isdigit():
        return school_year_label(int(value) - 1)
    return value  # left as sent: the load's school-year checks report it


STUDENT_ID = "StudentReference/StudentIdentity/StudentUniqueId"
SCHOOL_ID = "SchoolReference/SchoolIdentity/SchoolId"
EDORG_REFERENCE = "EducationOrganizationReference/EducationOrganizationIdentity"


def _address(element: Element, preferred_type: str) -> Element | None:
    """The address of the preferred type (`Physical`, `Home`), else the first one."""
    addresses = element.findall("{*}Address")
    for address in addresses:
        if (text_at(address, "AddressType") or "").endswith(f"#{preferred_type}"):
            return address
    return addresses[0] if addresses else None


def school(e: Element) -> dict:
    address = _address(e, "Physical")
    phone = None
    for telephone in e.findall("{*}InstitutionTelephone"):
        number = text_at(telephone, "TelephoneNumber")
        if (text_at(telephone, "InstitutionTelephoneNumberType") or "").endswith("#Main"):
            phone = number
            break
        phone = phone or number
    return {
        "school_id": text_at(e, "SchoolId"),
        "name": text_at(e, "NameOfInstitution"),
        "category": text_at(e, "SchoolCategory"),
        "grade_levels": joined(texts_at(e, "GradeLevel")),
        "street": text_at(address, "StreetNumberName"),
        "city": text_at(address, "City"),
        "state": text_at(address, "StateAbbreviation"),
        "zip": text_at(address, "PostalCode"),
        "phone": phone,
        "operational_status": text_at(e, "OperationalStatus"),
    }


def calendar_date(e: Element) -> dict:
    identity = "CalendarReference/CalendarIdentity"
    return {
        "school_id": text_at(e, f"{identity}/{SCHOOL_ID}"),
        "school_year": school_year_text(text_at(e, f"{identity}/SchoolYear")),
        "calendar_code": text_at(e, f"{identity}/CalendarCode"),
        "calendar_date": text_at(e, "Date"),
        "events": joined(texts_at(e, "CalendarEvent")),
    }


def student(e: Element) -> dict:
    return {
        "student_unique_id": text_at(e, "StudentUniqueId"),
        "first_name": text_at(e, "Name/FirstName"),
        "middle_name": text_at(e, "Name/MiddleName"),
        "last_surname": text_at(e, "Name/LastSurname"),
        "birth_date": text_at(e, "BirthData/BirthDate"),
    }


def student_edorg(e: Element) -> dict:
    state_id = None
    for code in e.findall("{*}StudentIdentificationCode"):
        if (text_at(code, "StudentIdentificationSystem") or "").endswith("#State"):
            state_id = text_at(code, "IdentificationCode")
    home_language = None
    for language in e.findall("{*}Language"):
        uses = texts_at(language, "Use/LanguageUse") + texts_at(language, "LanguageUse")
        if home_language is None or any(u.endswith("#Home language") for u in uses):
            home_language = text_at(language, "Language")
    hispanic = text_at(e, "HispanicLatinoEthnicity")
    address = _address(e, "Home")
    return {
        "student_unique_id": text_at(e, STUDENT_ID),
        "edorg_id": text_at(e, f"{EDORG_REFERENCE}/EducationOrganizationId"),
        "state_student_id": state_id,
        "sex": text_at(e, "Sex"),
        "hispanic_latino": hispanic.lower() if hispanic else None,
        "races": joined(texts_at(e, "Race")),
        "home_language": home_language,
        "address_zip": text_at(address, "PostalCode"),
    }


def student_school(e: Element) -> dict:
    return {
        "student_unique_id": text_at(e, STUDENT_ID),
        "school_id": text_at(e, SCHOOL_ID),
        "school_year": school_year_text(text_at(e, "SchoolYear")),
        "entry_date": text_at(e, "EntryDate"),
        "entry_grade_level": text_at(e, "EntryGradeLevel"),
        "entry_type": text_at(e, "EntryType"),
        "exit_date": text_at(e, "ExitWithdrawDate"),
        "exit_type": text_at(e, "ExitWithdrawType"),
    }


def attendance_event(e: Element) -> dict:
    return {
        "student_unique_id": text_at(e, STUDENT_ID),
        "school_id": text_at(e, SCHOOL_ID),
        "school_year": school_year_text(text_at(e, "SessionReference/SessionIdentity/SchoolYear")),
        "event_date": text_at(e, "AttendanceEvent/EventDate") or text_at(e, "EventDate"),
        "category": text_at(e, "AttendanceEvent/AttendanceEventCategory")
        or text_at(e, "AttendanceEventCategory"),
        "duration": text_at(e, "AttendanceEvent/EventDuration") or text_at(e, "EventDuration"),
    }


def program(e: Element) -> dict:
    identity = "ProgramReference/ProgramIdentity"
    return {
        "association": e.tag.rsplit("}", 1)[-1],
        "student_unique_id": text_at(e, STUDENT_ID),
        "program_name": text_at(e, f"{identity}/ProgramName"),
        "program_type": text_at(e, f"{identity}/ProgramType"),
        "begin_date": text_at(e, "BeginDate"),
        "end_date": text_at(e, "EndDate"),
    }


def assessment(e: Element) -> dict:
    return {
        "assessment_identifier": text_at(e, "AssessmentIdentifier"),
        "namespace": text_at(e, "Namespace"),
        "academic_subject": text_at(e, "AcademicSubject"),
    }


def student_assessment(e: Element) -> dict:
    identity = "AssessmentReference/AssessmentIdentity"
    scores = [
        f"{text_at(score, 'AssessmentReportingMethod') or ''}{SCORE_SEPARATOR}"
        f"{text_at(score, 'Result') or ''}"
        for score in e.findall("{*}ScoreResult")
    ]
    return {
        "student_assessment_identifier": text_at(e, "StudentAssessmentIdentifier"),
        "student_unique_id": text_at(e, STUDENT_ID),
        "assessment_identifier": text_at(e, f"{identity}/AssessmentIdentifier"),
        "namespace": text_at(e, f"{identity}/Namespace"),
        "administration_date": _date(text_at(e, "AdministrationDate")),
        "school_year": school_year_text(text_at(e, "SchoolYear")),
        "grade_level": text_at(e, "WhenAssessedGradeLevel"),
        "scores": "\n".join(scores) or None,
        "performance_level": text_at(e, "PerformanceLevel/PerformanceLevel"),
    }


def discipline_incident(e: Element) -> dict:
    return {
        "element_id": e.get("id"),
        "incident_identifier": text_at(e, "IncidentIdentifier"),
        "school_id": text_at(e, SCHOOL_ID),
        "incident_date": text_at(e, "IncidentDate"),
    }


def discipline_behavior(e: Element) -> dict:
    reference = _child(e, "DisciplineIncidentReference")
    identity = "DisciplineIncidentReference/DisciplineIncidentIdentity"
    return {
        "student_unique_id": text_at(e, STUDENT_ID),
        "incident_ref": reference.get("ref") if reference is not None else None,
        "incident_identifier": text_at(e, f"{identity}/IncidentIdentifier"),
        "school_id": text_at(e, f"{identity}/{SCHOOL_ID}"),
        "behavior": text_at(e, "Behavior"),
    }


def discipline_action(e: Element) -> dict:
    association = (
        "StudentDisciplineIncidentBehaviorAssociationReference/"
        "StudentDisciplineIncidentBehaviorAssociationIdentity"
    )
    incident = f"{association}/DisciplineIncidentReference/DisciplineIncidentIdentity"
    return {
        "action_identifier": text_at(e, "DisciplineActionIdentifier"),
        "discipline": text_at(e, "Discipline"),
        "discipline_date": text_at(e, "DisciplineDate"),
        "action_length": text_at(e, "ActualDisciplineActionLength")
        or text_at(e, "DisciplineActionLength"),
        "student_unique_id": text_at(e, STUDENT_ID),
        "incident_identifier": text_at(e, f"{incident}/IncidentIdentifier"),
        "school_id": text_at(e, f"{incident}/{SCHOOL_ID}"),
    }


_PROGRAM_ASSOCIATIONS = (
    "StudentProgramAssociation",
    "StudentSpecialEducationProgramAssociation",
    "StudentSection504ProgramAssociation",
    "StudentLanguageInstructionProgramAssociation",
    "StudentHomelessProgramAssociation",
    "StudentSchoolFoodServiceProgramAssociation",
    "StudentMigrantEducationProgramAssociation",
    "StudentTitleIPartAProgramAssociation",
    "StudentCTEProgramAssociation",
    "StudentNeglectedOrDelinquentProgramAssociation",
)

EXTRACTORS: dict[str, tuple[str, Callable[[Element], dict]]] = {
    "School": ("school", school),
    "CalendarDate": ("calendar_date", calendar_date),
    "Student": ("student", student),
    "StudentEducationOrganizationAssociation": ("student_edorg", student_edorg),
    "StudentSchoolAssociation": ("student_school", student_school),
    "StudentSchoolAttendanceEvent": ("attendance_event", attendance_event),
    **{name: ("program", program) for name in _PROGRAM_ASSOCIATIONS},
    "Assessment": ("assessment", assessment),
    "StudentAssessment": ("student_assessment", student_assessment),
    "DisciplineIncident": ("discipline_incident", discipline_incident),
    "StudentDisciplineIncidentBehaviorAssociation": ("discipline_behavior", discipline_behavior),
    "DisciplineAction": ("discipline_action", discipline_action),
}
"""Interchange element (local name) → (record type, extractor). Other elements are counted
as not read (`interchange.py` reports them per file)."""
