"""The Grand Bend fixture (tests/fixtures/edfi_grand_bend) through the Ed-Fi reader.

The expected figures were counted by hand from the fixture's XML (element counts and
descriptor values, e.g. `grep -c 'ProgramTypeDescriptor#Migrant Education'`), not from the
reader's output; the fixture's README says how its built files were made and lists the sample's
known issues that are quarantined here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ingestion.hr import load_hr
from ingestion.sis import load_sis

GRAND_BEND = Path(__file__).resolve().parents[1] / "fixtures" / "edfi_grand_bend"
HIGH, MIDDLE, ELEMENTARY = "255901001", "255901044", "255901107"


@pytest.fixture
def grand_bend(con, settings):
    edfi = dataclasses.replace(settings, sis_landing_dir=GRAND_BEND, sis_format="edfi_xml")
    return load_sis(con, edfi)


def _counts(con, sql):
    return dict(con.execute(sql).fetchall())


def test_every_row_is_loaded_or_quarantined(grand_bend):
    figures = {
        raw_table: (r.rows_read, r.rows_loaded, r.rows_quarantined)
        for raw_table, r in grand_bend.items()
    }
    assert figures == {
        "sis__schools": (3, 3, 0),
        "sis__students": (960, 960, 0),
        "sis__program_spans": (706, 706, 0),
        "sis__calendar_days": (567, 567, 0),  # 3 schools x (169 instructional + 20 holidays)
        "sis__enrollments": (960, 960, 0),
        "sis__registrations": (0, 0, 0),
        "sis__attendance": (1917, 1916, 1),
        # 2 have no score (required_missing); the other 32 are dated April 2021 under
        # SchoolYear 2021-2022 (outside_school_year, ingestion/SOURCES.md's outcome table).
        "sis__assessments": (34, 0, 34),
        "sis__course_grades": (0, 0, 0),
        "sis__discipline_incidents": (21, 21, 0),
    }


def test_enrolment_calendar_and_students(con, grand_bend):
    assert _counts(con, "select school_code, count(*) from raw.sis__enrollments group by 1") == {
        HIGH: 232,
        MIDDLE: 241,
        ELEMENTARY: 487,
    }
    assert _counts(
        con,
        "select school_code || ' ' || day_type, count(*) from raw.sis__calendar_days group by 1",
    ) == {
        f"{school} {kind}": n
        for school in (HIGH, MIDDLE, ELEMENTARY)
        for kind, n in [("INSTR", 169), ("HOL", 20)]
    }
    assert _counts(con, "select gender, count(*) from raw.sis__students group by 1") == {
        "M": 469,  # PersonalTitlePrefix Mr
        "F": 461,  # Mrs 236 + Ms 225
        "X": 30,  # Dr: Not Selected
    }
    assert con.execute(
        "select school_code, school_level, low_grade, high_grade from raw.sis__schools order by 1"
    ).fetchall() == [
        (HIGH, "HS", "09", "12"),
        (MIDDLE, "MS", "06", "08"),
        (ELEMENTARY, "ES", "01", "05"),
    ]


def test_attendance_events_and_the_quarantined_partial_day(con, grand_bend):
    # 1,077 excused, 773 unexcused, 66 tardy and 1 partial event in the file.
    assert _counts(con, "select attendance_code, count(*) from raw.sis__attendance group by 1") == {
        "EXC": 1077,
        "UNX": 773,
        "TDY": 66,
    }
    assert con.execute(
        "select source_row, rule, column_name, raw_record::json->>'student_id', "
        "raw_record::json->>'attendance_date' from raw._quarantine where table_name = 'attendance'"
    ).fetchall() == [(4, "partial_day_without_duration", "absent_fraction", "604822", "2021-12-15")]


def test_program_spans_get_contract_codes(con, grand_bend):
    assert _counts(con, "select program_code, count(*) from raw.sis__program_spans group by 1") == {
        "MIGRANT": 275,
        "SED": 82,  # school food service: Compensatory Services for Disadvantaged Students
        "GATE": 86,
        "EL": 78,  # ESL 38 + Bilingual 40
        "IEP": 97,
        "CTE": 64,
        "HOMELESS": 11,
        "ND": 8,
        "504": 3,
        "TITLE1": 2,
    }


def test_assessments_and_discipline(con, grand_bend):
    # Every result is dated April 2021 under SchoolYear 2021-2022: the date's own rule comes
    # before the score's, so rows 3 and 23 (also unscored) report outside_school_year too.
    assert _counts(
        con,
        "select rule || ':' || column_name, count(*) from raw._quarantine "
        "where table_name = 'assessments' group by 1",
    ) == {"outside_school_year:test_date": 34}
    assert _counts(con, "select subject, count(*) from raw.sis__assessments group by 1") == {}
    # 21 student-incident behaviours; the first action of each: 20 in-school suspensions and
    # 1 expulsion.
    assert _counts(
        con, "select action_code, count(*) from raw.sis__discipline_incidents group by 1"
    ) == {"ISS": 20, "EXP": 1}


@pytest.fixture
def grand_bend_staff(con, settings):
    """HR read from the fixture's StaffAssociation.xml (`HR_FORMAT=edfi_xml`, SIS folder)."""
    edfi = dataclasses.replace(
        settings, sis_landing_dir=GRAND_BEND, sis_format="edfi_xml", hr_format="edfi_xml"
    )
    return load_hr(con, edfi)


def test_staff_and_assignments_from_the_staff_interchange(con, grand_bend_staff):
    """StaffAssociation.xml has 68 `Staff`, 68 employments (one each), 69 assignments (staff
    207283, a counselor, holds two at 0.5: the high and the middle school) and 56 staff-school
    associations, each matching an assignment at that school. Central office: the
    superintendent (207285) and the two LEA system administrators (207247, 207288)."""
    figures = {
        t: (r.rows_read, r.rows_loaded, r.rows_quarantined) for t, r in grand_bend_staff.items()
    }
    assert figures == {"hr__staff": (68, 68, 0), "hr__assignments": (69, 69, 0)}
    assert _counts(con, "select school_code, count(*) from raw.hr__assignments group by 1") == {
        HIGH: 19,  # 207266-207284
        MIDDLE: 17,  # 207250-207265 and the counselor 207283
        ELEMENTARY: 30,  # 207219-207249 less 207247 (LEA)
        None: 3,
    }
    assert _counts(con, "select gender, count(*) from raw.hr__staff group by 1") == {
        "M": 35,
        "F": 33,
    }
    assert _counts(con, "select is_hispanic_latino, count(*) from raw.hr__staff group by 1") == {
        1: 35,
        0: 33,
    }
    # Eight staff of each Race value, but seven of White, Middle Eastern or North African,
    # Hispanic or Latino and Choose Not to Respond: those and Other (8) have no race code.
    assert _counts(con, "select race_codes, count(*) from raw.hr__staff group by 1") == {
        "AI": 8,
        "AS": 8,
        "BL": 8,
        "PI": 8,
        "WH": 7,
        None: 29,
    }
    assert any(
        "race_codes carry descriptors the map lacks" in w
        for w in grand_bend_staff["hr__staff"].warnings
    )
    # Teacher 55, School Administrator 3, Principal 3, Counselor 2, Superintendent 1; Other 3
    # and LEA System Administrator 2 are left to the district's map (loaded as not reported).
    assert _counts(con, "select job_category, count(*) from raw.hr__assignments group by 1") == {
        "CERT": 64,
        None: 5,
    }
    # FullTimeEquivalency is on the counselor's two assignments only; every other staff member
    # has one assignment and one employment, whose FullTimeEquivalency is 1.
    assert _counts(con, "select fte, count(*) from raw.hr__assignments group by 1") == {
        1.0: 67,
        0.5: 2,
    }


def test_staff_dates_names_and_lineage(con, grand_bend_staff):
    """Hire dates are the employment's (207223: hired 2013-05-15, assigned from 2002-05-15 in
    the sample); no employment has an EndDate, so nobody is separated; names and birth dates
    are never read. The first element of the file is Staff 207288; its assignment (LEA system
    administrator from 2016-01-25) is element 68 + 68 + 30 (the 30th assignment)."""
    assert con.execute(
        "select original_hire_date::varchar, separation_date, last_name, first_name, birth_date "
        "from raw.hr__staff where staff_id = '207223'"
    ).fetchall() == [("2013-05-15", None, None, None, None)]
    assert con.execute(
        "select count(*) from raw.hr__staff where separation_date is not null "
        "or last_name is not null or first_name is not null or birth_date is not null"
    ).fetchone() == (0,)
    assert con.execute(
        "select split_part(_source_file, '/', -1), _source_row from raw.hr__staff "
        "where staff_id = '207288'"
    ).fetchall() == [("StaffAssociation.xml", 1)]
    assert con.execute(
        "select assignment_id, school_code, job_category, job_title, start_date::varchar, "
        "end_date, _source_row from raw.hr__assignments where staff_id = '207288'"
    ).fetchall() == [
        (
            "207288-255901-LEA System Administrator-2016-01-25",
            None,
            None,
            "LEA System Administrator",
            "2016-01-25",
            None,
            166,
        )
    ]
