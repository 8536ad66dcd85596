"""The Ed-Fi XML interchange reader (`SIS_FORMAT=edfi_xml`), on interchanges written by hand.

Every expected value below was worked out by hand from the XML in this file: which contract
code each descriptor maps to (ingestion/sis/edfi/descriptor_map.csv), which rows are
quarantined and why, and the lineage (file, 1-based position among the file's top-level
elements).
"""
# ruff: noqa: E501 (interchange XML written out line by line)

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from ingestion.contracts import SIS_TABLES
from ingestion.sis import SisSourceError, load_sis
from ingestion.sis.edfi.interchange import BATCH_ROWS
from ingestion.sis.edfi.records import school_year_text

NS = 'xmlns="http://ed-fi.org/5.2.0"'
D = "uri://ed-fi.org/{}Descriptor#{}"


def _student_ref(student_id: str) -> str:
    return (
        f"<StudentReference><StudentIdentity><StudentUniqueId>{student_id}</StudentUniqueId>"
        "</StudentIdentity></StudentReference>"
    )


def _school_ref(school_id: str) -> str:
    return f"<SchoolReference><SchoolIdentity><SchoolId>{school_id}</SchoolId></SchoolIdentity></SchoolReference>"


def _interchange(root: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} {NS}>\n{body}\n</{root}>\n'


SCHOOLS = _interchange(
    "InterchangeEducationOrganization",
    f"""
<LocalEducationAgency id="LEA"><LocalEducationAgencyId>9</LocalEducationAgencyId></LocalEducationAgency>
<School id="S1">
  <NameOfInstitution>North High</NameOfInstitution>
  <Address><StreetNumberName>PO Box 1</StreetNumberName><City>Bend</City>
    <StateAbbreviation>{D.format("StateAbbreviation", "TX")}</StateAbbreviation>
    <PostalCode>70001</PostalCode><AddressType>{D.format("AddressType", "Mailing")}</AddressType></Address>
  <Address><StreetNumberName>1 Main St</StreetNumberName><City>Bend</City>
    <StateAbbreviation>{D.format("StateAbbreviation", "TX")}</StateAbbreviation>
    <PostalCode>70002</PostalCode><AddressType>{D.format("AddressType", "Physical")}</AddressType></Address>
  <InstitutionTelephone><TelephoneNumber>555-0100</TelephoneNumber>
    <InstitutionTelephoneNumberType>{D.format("InstitutionTelephoneNumberType", "Fax")}</InstitutionTelephoneNumberType></InstitutionTelephone>
  <InstitutionTelephone><TelephoneNumber>555-0101</TelephoneNumber>
    <InstitutionTelephoneNumberType>{D.format("InstitutionTelephoneNumberType", "Main")}</InstitutionTelephoneNumberType></InstitutionTelephone>
  <OperationalStatus>{D.format("OperationalStatus", "Active")}</OperationalStatus>
  <SchoolId>100</SchoolId>
  <GradeLevel>{D.format("GradeLevel", "Tenth grade")}</GradeLevel>
  <GradeLevel>{D.format("GradeLevel", "Ninth grade")}</GradeLevel>
  <GradeLevel>{D.format("GradeLevel", "Twelfth grade")}</GradeLevel>
  <SchoolCategory>{D.format("SchoolCategory", "High School")}</SchoolCategory>
</School>
<School id="S2">
  <NameOfInstitution>Odd Academy</NameOfInstitution>
  <SchoolId>200</SchoolId>
  <GradeLevel>{D.format("GradeLevel", "Sixth grade")}</GradeLevel>
  <SchoolCategory>uri://district.org/SchoolCategoryDescriptor#Academy</SchoolCategory>
</School>
""",
)

STUDENTS = _interchange(
    "InterchangeStudent",
    """
<Student><StudentUniqueId>A1</StudentUniqueId><Name><FirstName>Ana</FirstName>
  <MiddleName>B</MiddleName><LastSurname>Cruz</LastSurname></Name>
  <BirthData><BirthDate>2008-03-04</BirthDate></BirthData></Student>
<Student><StudentUniqueId>A2</StudentUniqueId><Name><FirstName>Bo</FirstName>
  <LastSurname>Dee</LastSurname></Name><BirthData><BirthDate>2009-05-06</BirthDate></BirthData></Student>
<Student><StudentUniqueId>A3</StudentUniqueId><Name><FirstName>Cy</FirstName>
  <LastSurname>Eng</LastSurname></Name><BirthData><BirthDate>2009-07-08</BirthDate></BirthData></Student>
""",
)

ENROLLMENT = _interchange(
    "InterchangeStudentEnrollment",
    f"""
<StudentSchoolAssociation>{_student_ref("A1")}{_school_ref("100")}
  <SchoolYear>2021-2022</SchoolYear><EntryDate>2021-08-23</EntryDate>
  <EntryGradeLevel>{D.format("GradeLevel", "Ninth grade")}</EntryGradeLevel>
  <EntryType>{D.format("EntryType", "Transfer")}</EntryType>
  <ExitWithdrawDate>2022-01-14</ExitWithdrawDate>
  <ExitWithdrawType>{D.format("ExitWithdrawType", "Dropout")}</ExitWithdrawType>
</StudentSchoolAssociation>
<StudentSchoolAssociation>{_student_ref("A2")}{_school_ref("100")}
  <EntryDate>2022-02-01</EntryDate>
  <EntryGradeLevel>{D.format("GradeLevel", "Tenth grade")}</EntryGradeLevel>
</StudentSchoolAssociation>
<StudentSchoolAssociation>{_student_ref("A3")}{_school_ref("100")}
  <EntryDate>2021-08-23</EntryDate>
  <EntryGradeLevel>uri://district.org/GradeLevelDescriptor#Grade 10 (repeat)</EntryGradeLevel>
</StudentSchoolAssociation>
<StudentEducationOrganizationAssociation>{_student_ref("A1")}
  <EducationOrganizationReference><EducationOrganizationIdentity>
    <EducationOrganizationId>9</EducationOrganizationId></EducationOrganizationIdentity>
  </EducationOrganizationReference>
  <StudentIdentificationCode><StudentIdentificationSystem>{D.format("StudentIdentificationSystem", "State")}</StudentIdentificationSystem>
    <IdentificationCode>1234567890</IdentificationCode></StudentIdentificationCode>
  <Sex>{D.format("Sex", "Female")}</Sex>
  <Address><PostalCode>70003</PostalCode><AddressType>{D.format("AddressType", "Home")}</AddressType></Address>
  <HispanicLatinoEthnicity>true</HispanicLatinoEthnicity>
  <Race>{D.format("Race", "White")}</Race>
  <Race>{D.format("Race", "Asian")}</Race>
  <Language><Language>{D.format("Language", "spa")}</Language>
    <Use><LanguageUse>{D.format("LanguageUse", "Home language")}</LanguageUse></Use></Language>
</StudentEducationOrganizationAssociation>
<StudentEducationOrganizationAssociation>{_student_ref("A2")}
  <EducationOrganizationReference><EducationOrganizationIdentity>
    <EducationOrganizationId>9</EducationOrganizationId></EducationOrganizationIdentity>
  </EducationOrganizationReference>
  <Sex>{D.format("Sex", "Male")}</Sex>
  <HispanicLatinoEthnicity>false</HispanicLatinoEthnicity>
</StudentEducationOrganizationAssociation>
<StudentEducationOrganizationAssociation>{_student_ref("A3")}
  <EducationOrganizationReference><EducationOrganizationIdentity>
    <EducationOrganizationId>9</EducationOrganizationId></EducationOrganizationIdentity>
  </EducationOrganizationReference>
  <Sex>{D.format("Sex", "Male")}</Sex>
  <Race>uri://district.org/RaceDescriptor#Two or more</Race>
</StudentEducationOrganizationAssociation>
""",
)


def _event(student_id: str, day: str, category: str, duration: str | None) -> str:
    length = f"<EventDuration>{duration}</EventDuration>" if duration is not None else ""
    return (
        f"<StudentSchoolAttendanceEvent><AttendanceEvent><EventDate>{day}</EventDate>"
        f"<AttendanceEventCategory>{D.format('AttendanceEventCategory', category)}"
        f"</AttendanceEventCategory>{length}</AttendanceEvent>"
        f"{_student_ref(student_id)}{_school_ref('100')}</StudentSchoolAttendanceEvent>"
    )


ATTENDANCE = _interchange(
    "InterchangeStudentAttendance",
    "\n".join(
        [
            _event("A1", "2021-09-01", "Excused Absence", "1"),
            _event("A1", "2021-09-02", "Unexcused Absence", "0.5"),
            _event("A1", "2021-09-03", "Tardy", None),
            _event("A2", "2021-09-01", "Partial", "0.25"),
            _event("A2", "2021-09-02", "Partial", None),
            _event("A2", "2021-09-03", "Field trip", "1"),
        ]
    ),
)


def _program(element: str, student_id: str, program_type: str, begin: str, end: str = "") -> str:
    end_xml = f"<EndDate>{end}</EndDate>" if end else ""
    return (
        f"<{element}>{_student_ref(student_id)}<ProgramReference><ProgramIdentity>"
        f"<ProgramName>{program_type}</ProgramName>"
        f"<ProgramType>{D.format('ProgramType', program_type)}</ProgramType>"
        f"</ProgramIdentity></ProgramReference><BeginDate>{begin}</BeginDate>{end_xml}</{element}>"
    )


PROGRAMS = _interchange(
    "InterchangeStudentProgram",
    "\n".join(
        [
            _program(
                "StudentMigrantEducationProgramAssociation", "A1", "Migrant Education", "2021-08-30"
            ),
            _program(
                "StudentCTEProgramAssociation",
                "A1",
                "Career and Technical Education",
                "2021-08-23",
                "2022-05-27",
            ),
            _program("StudentTitleIPartAProgramAssociation", "A2", "Title I Part A", "2021-09-01"),
            _program(
                "StudentNeglectedOrDelinquentProgramAssociation",
                "A2",
                "Neglected and Delinquent Program",
                "2021-09-01",
            ),
            _program(
                "StudentSchoolFoodServiceProgramAssociation",
                "A2",
                "Compensatory Services for Disadvantaged Students",
                "2021-08-23",
            ),
            _program(
                "StudentLanguageInstructionProgramAssociation",
                "A3",
                "English as a Second Language (ESL)",
                "2021-08-23",
            ),
            _program("StudentProgramAssociation", "A3", "Athletics", "2021-08-23"),
        ]
    ),
)

CALENDAR = _interchange(
    "InterchangeEducationOrgCalendar",
    "\n".join(
        f"<CalendarDate><Date>{day}</Date>"
        + "".join(f"<CalendarEvent>{D.format('CalendarEvent', e)}</CalendarEvent>" for e in events)
        + "<CalendarReference><CalendarIdentity><CalendarCode>C</CalendarCode>"
        + f"{_school_ref('100')}<SchoolYear>2021-2022</SchoolYear></CalendarIdentity>"
        + "</CalendarReference></CalendarDate>"
        for day, events in [
            ("2021-09-01", ["Instructional day"]),
            ("2021-09-06", ["Holiday"]),
            ("2021-09-07", ["Teacher only day", "Student late arrival/early dismissal"]),
        ]
    ),
)


def write_interchanges(folder: Path, **extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "EducationOrganization.xml": SCHOOLS,
        "Student.xml": STUDENTS,
        "StudentEnrollment.xml": ENROLLMENT,
        "StudentSchoolAttendance.xml": ATTENDANCE,
        "StudentProgram.xml": PROGRAMS,
        "EducationOrgCalendar.xml": CALENDAR,
        **extra,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def edfi_settings(settings, sources_dir):
    landing = write_interchanges(sources_dir / "edfi")
    return dataclasses.replace(settings, sis_landing_dir=landing, sis_format="edfi_xml")


def _rows(con, sql):
    return con.execute(sql).fetchall()


def test_school_year_text_reads_both_ed_fi_forms():
    assert school_year_text("2021-2022") == "2021-22"
    assert school_year_text("2022") == "2021-22"
    assert school_year_text("2000") == "1999-00"
    assert school_year_text(None) is None


def test_schools_and_students_map_descriptors_and_addresses(con, edfi_settings):
    results = load_sis(con, edfi_settings)
    assert _rows(con, "select * exclude (_loaded_at, _drop_date) from raw.sis__schools") == [
        (
            "100",
            "North High",
            "HS",
            "09",
            "12",
            "1 Main St",
            "Bend",
            "TX",
            "70002",
            "555-0101",
            None,
            "Y",
            "edfi/EducationOrganization.xml",
            2,
        )
    ]
    # School 200's category is a district value with no mapping: quarantined, not dropped.
    assert results["sis__schools"].rows_read == 2
    assert results["sis__schools"].rows_quarantined == 1
    [(rule, column, value, record)] = _rows(
        con,
        "select rule, column_name, offending_value, raw_record from raw._quarantine "
        "where table_name = 'schools'",
    )
    assert (rule, column, value) == (
        "unmapped_descriptor",
        "school_level",
        "uri://district.org/SchoolCategoryDescriptor#Academy",
    )
    assert json.loads(record)["school_code"] == "200"
    assert _rows(
        con,
        "select student_id, state_student_id, last_name, first_name, middle_name, birth_date, "
        "gender, is_hispanic_latino, race_codes, home_language, address_zip, _source_row "
        "from raw.sis__students order by student_id",
    ) == [
        (
            "A1",
            "1234567890",
            "Cruz",
            "Ana",
            "B",
            date(2008, 3, 4),
            "F",
            "Y",
            "AS;WH",
            "es",
            "70003",
            1,
        ),
        ("A2", None, "Dee", "Bo", None, date(2009, 5, 6), "M", "N", None, None, None, 2),
        # A race descriptor the map lacks: race is optional, so A3 loads with it not reported
        # (and a warning naming the descriptor) instead of taking their records with them.
        ("A3", None, "Eng", "Cy", None, date(2009, 7, 8), "M", None, None, None, None, 3),
    ]
    assert _rows(con, "select * from raw._quarantine where table_name = 'students'") == []


def test_enrollments_attendance_programs_and_calendar(con, edfi_settings):
    results = load_sis(con, edfi_settings)
    assert _rows(
        con,
        "select student_id, school_code, school_year, grade_level, entry_date, exit_date, "
        "entry_code, exit_code from raw.sis__enrollments order by student_id",
    ) == [
        ("A1", "100", "2021-22", "09", date(2021, 8, 23), date(2022, 1, 14), "E2", "W1"),
        # No SchoolYear element: the school year of the entry date (February 2022 → 2021-22).
        ("A2", "100", "2021-22", "10", date(2022, 2, 1), None, None, None),
    ]
    assert _rows(
        con, "select offending_value from raw._quarantine where table_name = 'enrollments'"
    ) == [("uri://district.org/GradeLevelDescriptor#Grade 10 (repeat)",)]
    assert _rows(
        con,
        "select student_id, attendance_date, attendance_code, absent_fraction, _source_row "
        "from raw.sis__attendance order by all",
    ) == [
        ("A1", date(2021, 9, 1), "EXC", 1.0, 1),
        ("A1", date(2021, 9, 2), "PRT", 0.5, 2),  # an unexcused half day: a partial absence
        ("A1", date(2021, 9, 3), "TDY", 0.0, 3),
        ("A2", date(2021, 9, 1), "PRT", 0.25, 4),
    ]
    attendance = results["sis__attendance"]
    assert (attendance.rows_read, attendance.rows_loaded, attendance.rows_quarantined) == (6, 4, 2)
    assert _rows(
        con,
        "select source_row, rule, column_name, offending_value from raw._quarantine "
        "where table_name = 'attendance' order by source_row",
    ) == [
        (5, "partial_day_without_duration", "absent_fraction", None),
        (
            6,
            "unmapped_descriptor",
            "attendance_code",
            "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field trip",
        ),
    ]
    assert _rows(
        con,
        "select student_id, program_code, start_date, end_date from raw.sis__program_spans "
        "order by _source_row",
    ) == [
        ("A1", "MIGRANT", date(2021, 8, 30), None),
        ("A1", "CTE", date(2021, 8, 23), date(2022, 5, 27)),
        ("A2", "TITLE1", date(2021, 9, 1), None),
        ("A2", "ND", date(2021, 9, 1), None),
        ("A2", "SED", date(2021, 8, 23), None),
        ("A3", "EL", date(2021, 8, 23), None),
    ]
    assert _rows(
        con,
        "select column_name, offending_value from raw._quarantine where table_name = 'program_spans'",
    ) == [("program_code", "uri://ed-fi.org/ProgramTypeDescriptor#Athletics")]
    assert _rows(
        con, "select calendar_date, day_type, school_year from raw.sis__calendar_days order by 1"
    ) == [
        (date(2021, 9, 1), "INSTR", "2021-22"),
        (date(2021, 9, 6), "HOL", "2021-22"),
        (date(2021, 9, 7), "INSTR", "2021-22"),  # late arrival: still an instructional day
    ]
    for result in results.values():
        assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert results["sis__registrations"].rows_read == 0
    assert results["sis__registrations"].warnings


def test_descriptor_map_is_the_districts_to_edit(con, edfi_settings, tmp_path):
    """A district adds its own value to its copy of the map, and the row loads."""
    shipped = Path(edfi_settings.edfi_descriptor_map).read_text(encoding="utf-8")
    own = tmp_path / "district_map.csv"
    own.write_text(shipped + "AttendanceEventCategoryDescriptor,Field trip,EXC\n", "utf-8")
    load_sis(con, dataclasses.replace(edfi_settings, edfi_descriptor_map=own))
    assert _rows(con, "select attendance_code from raw.sis__attendance where _source_row = 6") == [
        ("EXC",)
    ]


def test_every_contract_table_gets_an_audit_row(con, edfi_settings):
    results = load_sis(con, edfi_settings)
    assert set(results) == {t.raw_table for t in SIS_TABLES}
    assert _rows(con, "select count(*) from raw._load_audit where source = 'sis'") == [
        (len(SIS_TABLES),)
    ]


def test_batches_larger_than_one_flush(con, settings, sources_dir):
    """More events than one Arrow batch: every one arrives, numbered in file order. They
    repeat 28 student-days, so each day's last event is kept and the rest are collapsed."""
    events = BATCH_ROWS + 3
    body = "\n".join(_event("A1", f"2021-09-{1 + n % 28:02d}", "Tardy", "0") for n in range(events))
    landing = sources_dir / "big"
    write_interchanges(
        landing,
        **{"StudentSchoolAttendance.xml": _interchange("InterchangeStudentAttendance", body)},
    )
    big = dataclasses.replace(settings, sis_landing_dir=landing, sis_format="edfi_xml")
    from ingestion.contracts import BY_RAW_NAME

    [result] = load_sis(con, big, [BY_RAW_NAME["sis__attendance"]]).values()
    assert result.rows_read == events
    assert (result.rows_loaded, result.rows_collapsed) == (28, events - 28)
    assert _rows(con, "select min(_source_row), max(_source_row) from raw.sis__attendance") == [
        (events - 27, events)
    ]


def test_malformed_xml_names_file_and_line(con, settings, sources_dir):
    landing = write_interchanges(
        sources_dir / "bad",
        **{"Student.xml": STUDENTS.replace("</Student>\n<Student>", "<Student>", 1)},
    )
    bad = dataclasses.replace(settings, sis_landing_dir=landing, sis_format="edfi_xml")
    with pytest.raises(SisSourceError) as error:
        load_sis(con, bad)
    assert error.value.rule == "malformed_xml"
    assert error.value.source_file == "bad/Student.xml"
    assert "line" in str(error.value)


def test_a_file_that_is_not_an_interchange_is_an_error(con, settings, sources_dir):
    landing = write_interchanges(sources_dir / "odd", **{"notes.xml": "<notes>hi</notes>"})
    odd = dataclasses.replace(settings, sis_landing_dir=landing, sis_format="edfi_xml")
    with pytest.raises(SisSourceError) as error:
        load_sis(con, odd)
    assert error.value.rule == "not_an_interchange"
    assert "odd/notes.xml" in str(error.value)


def test_unknown_sis_format_is_an_error(con, settings):
    with pytest.raises(SisSourceError) as error:
        load_sis(con, dataclasses.replace(settings, sis_format="edfi"))
    assert error.value.rule == "unknown_format"


def _incident_identity(incident: str) -> str:
    return (
        f"<DisciplineIncidentIdentity><IncidentIdentifier>{incident}</IncidentIdentifier>"
        f"{_school_ref('100')}</DisciplineIncidentIdentity>"
    )


DISCIPLINE = _interchange(
    "InterchangeStudentDiscipline",
    f"""
<DisciplineIncident id="INC7"><IncidentIdentifier>7</IncidentIdentifier>
  <IncidentDate>2021-10-18</IncidentDate>{_school_ref("100")}</DisciplineIncident>
<DisciplineIncident><IncidentIdentifier>8</IncidentIdentifier>
  <IncidentDate>2021-11-02</IncidentDate>{_school_ref("100")}</DisciplineIncident>
<StudentDisciplineIncidentBehaviorAssociation>{_student_ref("A1")}
  <DisciplineIncidentReference ref="INC7"/>
  <Behavior>{D.format("Behavior", "Fighting")}</Behavior></StudentDisciplineIncidentBehaviorAssociation>
<StudentDisciplineIncidentBehaviorAssociation>{_student_ref("A2")}
  <DisciplineIncidentReference>{_incident_identity("7")}</DisciplineIncidentReference>
  <Behavior>{D.format("Behavior", "Fighting")}</Behavior></StudentDisciplineIncidentBehaviorAssociation>
<StudentDisciplineIncidentBehaviorAssociation>{_student_ref("A2")}
  <DisciplineIncidentReference>{_incident_identity("8")}</DisciplineIncidentReference>
  <Behavior>{D.format("Behavior", "Other")}</Behavior></StudentDisciplineIncidentBehaviorAssociation>
<DisciplineAction><DisciplineActionIdentifier>1</DisciplineActionIdentifier>
  <Discipline>{D.format("Discipline", "Out of School Suspension")}</Discipline>
  <DisciplineDate>2021-10-19</DisciplineDate><ActualDisciplineActionLength>2.5</ActualDisciplineActionLength>
  {_student_ref("A1")}
  <StudentDisciplineIncidentBehaviorAssociationReference><StudentDisciplineIncidentBehaviorAssociationIdentity>
    {_student_ref("A1")}<DisciplineIncidentReference>{_incident_identity("7")}</DisciplineIncidentReference>
  </StudentDisciplineIncidentBehaviorAssociationIdentity></StudentDisciplineIncidentBehaviorAssociationReference>
</DisciplineAction>
<DisciplineAction><DisciplineActionIdentifier>2</DisciplineActionIdentifier>
  <Discipline>uri://district.org/DisciplineDescriptor#Lunch detention</Discipline>
  <DisciplineDate>2021-11-03</DisciplineDate><DisciplineActionLength>1</DisciplineActionLength>
  {_student_ref("A2")}
  <StudentDisciplineIncidentBehaviorAssociationReference><StudentDisciplineIncidentBehaviorAssociationIdentity>
    {_student_ref("A2")}<DisciplineIncidentReference>{_incident_identity("8")}</DisciplineIncidentReference>
  </StudentDisciplineIncidentBehaviorAssociationIdentity></StudentDisciplineIncidentBehaviorAssociationReference>
</DisciplineAction>
""",
)


def _assessment(identifier: str, subject: str) -> str:
    return (
        f"<Assessment><AssessmentIdentifier>{identifier}</AssessmentIdentifier>"
        f"<AcademicSubject>{D.format('AcademicSubject', subject)}</AcademicSubject>"
        "<Namespace>uri://state.org</Namespace></Assessment>"
    )


def _score(method: str, value: str) -> str:
    return (
        f"<ScoreResult><Result>{value}</Result><AssessmentReportingMethod>"
        f"{D.format('AssessmentReportingMethod', method)}</AssessmentReportingMethod></ScoreResult>"
    )


def _student_assessment(student_id: str, identifier: str, scores: str, level: str) -> str:
    return (
        f"<StudentAssessment><StudentAssessmentIdentifier>{student_id}{identifier}"
        "</StudentAssessmentIdentifier><AdministrationDate>2022-04-01T09:00:00</AdministrationDate>"
        f"{scores}<WhenAssessedGradeLevel>{D.format('GradeLevel', 'Eighth grade')}"
        f"</WhenAssessedGradeLevel><PerformanceLevel><PerformanceLevel>"
        f"{D.format('PerformanceLevel', level)}</PerformanceLevel></PerformanceLevel>"
        f"{_student_ref(student_id)}<AssessmentReference><AssessmentIdentity>"
        f"<AssessmentIdentifier>{identifier}</AssessmentIdentifier>"
        "<Namespace>uri://state.org</Namespace></AssessmentIdentity></AssessmentReference>"
        "</StudentAssessment>"
    )


ASSESSMENTS = _interchange(
    "InterchangeStudentAssessment",
    "\n".join(
        [
            _student_assessment(
                "A1", "M8", _score("Raw score", "28") + _score("Scale score", "2450"), "Advanced"
            ),
            _student_assessment("A1", "R8", _score("Scale score", "2390"), "Met Standard"),
            _student_assessment("A2", "M8", _score("Raw score", "12"), "Did Not Meet Standard"),
        ]
    ),
)
ASSESSMENT_METADATA = _interchange(
    "InterchangeAssessmentMetadata",
    _assessment("M8", "Mathematics") + _assessment("R8", "Reading"),
)


def test_discipline_and_assessments(con, settings, sources_dir):
    landing = write_interchanges(
        sources_dir / "more",
        **{
            "StudentDiscipline.xml": DISCIPLINE,
            "StudentAssessment.xml": ASSESSMENTS,
            "AssessmentMetadata.xml": ASSESSMENT_METADATA,
        },
    )
    results = load_sis(
        con, dataclasses.replace(settings, sis_landing_dir=landing, sis_format="edfi_xml")
    )
    # Incident 7 reached by `ref` (A1) and by identity (A2); one row per student and incident.
    assert _rows(
        con,
        "select incident_id, student_id, school_code, incident_date, offense_code, action_code, "
        "action_days from raw.sis__discipline_incidents order by incident_id",
    ) == [
        ("100-7-A1", "A1", "100", date(2021, 10, 18), "Fighting", "OSS", 2.5),
        ("100-7-A2", "A2", "100", date(2021, 10, 18), "Fighting", None, None),
        # "Lunch detention" has no code: the action is optional, so the incident loads with
        # no action code (not a suspension) and the load warns naming the descriptor.
        ("100-8-A2", "A2", "100", date(2021, 11, 2), "Other", None, 1.0),
    ]
    assert any(
        "Lunch detention" in warning for warning in results["sis__discipline_incidents"].warnings
    )
    # The scale score, not the raw score; the subject from the Assessment; A2 has no scale score.
    assert _rows(
        con,
        "select student_id, school_year, test_date, subject, grade_tested, scale_score, "
        "performance_level from raw.sis__assessments order by subject",
    ) == [
        ("A1", "2021-22", date(2022, 4, 1), "ELA", "08", 2390, 3),
        ("A1", "2021-22", date(2022, 4, 1), "MATH", "08", 2450, 4),
    ]
    assert results["sis__assessments"].rows_quarantined == 1
    assert _rows(
        con, "select rule, column_name from raw._quarantine where table_name = 'assessments'"
    ) == [("required_missing", "scale_score")]
