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
