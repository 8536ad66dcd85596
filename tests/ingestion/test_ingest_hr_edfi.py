"""HR read from Ed-Fi staff interchanges (`HR_FORMAT=edfi_xml`), on interchanges written here.

Every expected value was worked out by hand from the XML below: the contract code each
descriptor maps to (ingestion/sis/edfi/descriptor_map.csv), which rows are quarantined and
why, and the lineage (file, 1-based position among the file's top-level elements). The Grand
Bend sample's staff are in test_ingest_edfi_grand_bend.py.
"""
# ruff: noqa: E501 (interchange XML written out line by line)

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ingestion.common.settings import SourceSettings
from ingestion.hr import HrSourceError, load_hr, tables_not_supplied

D = "uri://ed-fi.org/{}Descriptor#{}"


def _interchange(root: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="http://ed-fi.org/5.2.0">\n{body}\n</{root}>\n'


def _staff_ref(staff_id: str) -> str:
    return f"<StaffReference><StaffIdentity><StaffUniqueId>{staff_id}</StaffUniqueId></StaffIdentity></StaffReference>"


def _edorg_ref(edorg_id: str) -> str:
    return (
        "<EducationOrganizationReference><EducationOrganizationIdentity>"
        f"<EducationOrganizationId>{edorg_id}</EducationOrganizationId>"
        "</EducationOrganizationIdentity></EducationOrganizationReference>"
    )


def _assignment(
    staff_id: str, edorg_id: str, classification: str, begin: str, extra: str = ""
) -> str:
    return (
        f"<StaffEducationOrganizationAssignmentAssociation>{_staff_ref(staff_id)}{_edorg_ref(edorg_id)}"
        f"<StaffClassification>{D.format('StaffClassification', classification)}</StaffClassification>"
        f"<PositionTitle>{classification} title</PositionTitle><BeginDate>{begin}</BeginDate>{extra}"
        "</StaffEducationOrganizationAssignmentAssociation>"
    )


STAFF = _interchange(
    "InterchangeStaffAssociation",
    f"""
<Staff><StaffUniqueId>S1</StaffUniqueId><Name><FirstName>Ann</FirstName><LastSurname>Lee</LastSurname></Name>
  <Sex>{D.format("Sex", "Female")}</Sex><BirthDate>1980-01-01</BirthDate>
  <HispanicLatinoEthnicity>true</HispanicLatinoEthnicity>
  <Race>{D.format("Race", "White")}</Race><Race>{D.format("Race", "Asian")}</Race></Staff>
<Staff><StaffUniqueId>S2</StaffUniqueId><Sex>uri://district.example/SexDescriptor#Unknown</Sex>
  <HispanicLatinoEthnicity>false</HispanicLatinoEthnicity><Race>{D.format("Race", "Black or African American")}</Race></Staff>
<Staff><Sex>{D.format("Sex", "Male")}</Sex></Staff>
<StaffEducationOrganizationEmploymentAssociation>{_staff_ref("S1")}{_edorg_ref("9")}
  <EmploymentPeriod><HireDate>2010-08-01</HireDate></EmploymentPeriod><FullTimeEquivalency>0.8</FullTimeEquivalency>
</StaffEducationOrganizationEmploymentAssociation>
<StaffEducationOrganizationEmploymentAssociation>{_staff_ref("S2")}{_edorg_ref("9")}
  <HireDate>2015-08-01</HireDate><EndDate>2019-06-30</EndDate>
</StaffEducationOrganizationEmploymentAssociation>
<StaffEducationOrganizationEmploymentAssociation>{_staff_ref("S2")}{_edorg_ref("9")}
  <HireDate>2020-08-01</HireDate><EndDate>2021-06-30</EndDate>
</StaffEducationOrganizationEmploymentAssociation>
{_assignment("S1", "100", "Teacher", "2020-08-15")}
{_assignment("S2", "9", "Paraprofessional/Instructional Aide", "2020-08-15", "<EndDate>2021-06-30</EndDate><FullTimeEquivalency>0.5</FullTimeEquivalency>")}
{_assignment("S2", "100", "Coach", "2020-08-15")}
{_assignment("S9", "100", "Teacher", "2020-08-15")}
{_assignment("S2", "100", "Principal", "2021-13-01")}
<StaffSchoolAssociation>{_staff_ref("S1")}<SchoolReference><SchoolIdentity><SchoolId>100</SchoolId></SchoolIdentity></SchoolReference></StaffSchoolAssociation>
<StaffSchoolAssociation>{_staff_ref("S2")}<SchoolReference><SchoolIdentity><SchoolId>200</SchoolId></SchoolIdentity></SchoolReference></StaffSchoolAssociation>
<StaffLeave>{_staff_ref("S1")}<BeginDate>2021-01-04</BeginDate></StaffLeave>
""",
)
"""Staff S1 (Hispanic, White and Asian), S2 (an unmapped sex, two ended employments, Data
Standard 4's undated-period form) and a Staff without an id; five assignments: S1 teaching at
school 100 (known as a school only from S1's StaffSchoolAssociation: no EducationOrganization
file here), S2 as an aide at the LEA (9), S2 as a coach (a classification the map lacks), an
assignment of S9 (no Staff element) and one of S2 with an impossible begin date."""


@pytest.fixture
def hr_settings(settings: SourceSettings, sources_dir: Path) -> SourceSettings:
    landing = sources_dir / "edfi"
    landing.mkdir()
    (landing / "Staff.xml").write_text(STAFF, encoding="utf-8")
    # Another interchange of the same folder, not well-formed after its root: never parsed.
    (landing / "Student.xml").write_text(
        _interchange("InterchangeStudent", "<Student><broken></Student>"), encoding="utf-8"
    )
    return dataclasses.replace(settings, sis_landing_dir=landing, hr_format="edfi_xml")


def test_staff_map_descriptors_and_leave_names_unread(con, hr_settings):
    result = load_hr(con, hr_settings)["hr__staff"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute(
        "select staff_id, first_name, last_name, birth_date, gender, is_hispanic_latino, "
        "race_codes, original_hire_date::varchar, separation_date::varchar, _source_row "
        "from raw.hr__staff order by 1"
    ).fetchall() == [
        ("S1", None, None, None, "F", 1, "AS;WH", "2010-08-01", None, 1),
        # the unmapped sex loads as not reported; separated when the last employment ended
        ("S2", None, None, None, None, 0, "BL", "2015-08-01", "2021-06-30", 2),
    ]
    assert any(
        "staff.gender" in w and "district.example/SexDescriptor#Unknown" in w
        for w in result.warnings
    )
    assert con.execute(
        "select rule, column_name, source_row from raw._quarantine where table_name = 'staff'"
    ).fetchall() == [("required_missing", "staff_id", 3)]


def test_assignments_schools_categories_and_quarantine(con, hr_settings):
    results = load_hr(con, hr_settings)
    assert set(results) == {"hr__staff", "hr__assignments"}
    result = results["hr__assignments"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 3, 2)
    assert con.execute(
        "select assignment_id, staff_id, position_id, school_code, job_category, job_title, "
        "fte, annual_salary, start_date::varchar, end_date::varchar, _source_row "
        "from raw.hr__assignments order by _source_row"
    ).fetchall() == [
        # S1's only assignment: no FTE of its own, so that of S1's only employment
        (
            "S1-100-Teacher-2020-08-15",
            "S1",
            None,
            "100",
            "CERT",
            "Teacher title",
            0.8,
            None,
            "2020-08-15",
            None,
            7,
        ),
        (
            "S2-9-Paraprofessional/Instructional Aide-2020-08-15",
            "S2",
            None,
            None,
            "CLAS",
            "Paraprofessional/Instructional Aide title",
            0.5,
            None,
            "2020-08-15",
            "2021-06-30",
            8,
        ),
        # S2 has three assignments and two employments: no FTE is inferred
        (
            "S2-100-Coach-2020-08-15",
            "S2",
            None,
            "100",
            None,
            "Coach title",
            None,
            None,
            "2020-08-15",
            None,
            9,
        ),
    ]
    assert con.execute(
        "select rule, column_name, source_row from raw._quarantine "
        "where table_name = 'assignments' order by source_row"
    ).fetchall() == [("missing_parent", "staff_id", 10), ("invalid_date", "start_date", 11)]
    assert any("assignments.job_category" in w and "#Coach" in w for w in result.warnings)
    # S2's association with school 200 has no assignment there
    assert any("1 StaffSchoolAssociation(s) have no" in w for w in result.warnings)
    assert result.files == (
        f"{hr_settings.relative_source_path(hr_settings.sis_landing_dir / 'Staff.xml')}",
    )


def test_tables_ed_fi_has_no_element_for_are_not_supplied(con, hr_settings):
    assert tables_not_supplied("edfi_xml") == {
        "hr__positions",
        "hr__vacancies",
        "hr__applications",
        "hr__application_events",
    }
    assert tables_not_supplied("database") == frozenset()


def test_hr_landing_dir_and_format_settings(sources_dir):
    settings = SourceSettings.from_env(
        {
            "DISTRICT_SOURCES_DIR": str(sources_dir),
            "SIS_LANDING_DIR": "/edfi",
            "HR_FORMAT": " EdFi_XML ",
        }
    )
    assert (settings.hr_format, settings.hr_edfi_dir) == ("edfi_xml", Path("/edfi"))
    assert SourceSettings.from_env({"HR_LANDING_DIR": "/staff"}).hr_edfi_dir == Path("/staff")
    assert SourceSettings.from_env({}).hr_format == "database"


def test_malformed_staff_file_and_unknown_format_are_hr_errors(con, hr_settings):
    (hr_settings.sis_landing_dir / "Staff.xml").write_text(
        STAFF.replace("</Staff>", "", 1), encoding="utf-8"
    )
    with pytest.raises(HrSourceError) as error:
        load_hr(con, hr_settings)
    assert (error.value.rule, error.value.source_file.split("/")[-1]) == (
        "malformed_xml",
        "Staff.xml",
    )
    with pytest.raises(HrSourceError) as error:
        load_hr(con, dataclasses.replace(hr_settings, hr_format="edfi_api"))
    assert error.value.rule == "unknown_format"
