"""Range and domain rules quarantine the row with its reason (`ingestion/common/value_rules.py`).

Each test delivers a hand-built file next to the valid drop (bad_input_files: 3 students,
1 school, 3 attendance rows) and works out by hand which rows go to quarantine and why.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bad_input_files import (
    ATTENDANCE_HEADER,
    ATTENDANCE_ROWS,
    GOOD_DROP,
    STUDENT_ROWS,
    STUDENTS_HEADER,
    csv_text,
    quarantined_rows,
    write_bytes,
)

from ingestion.common.typed_load import load_typed
from ingestion.contracts import BY_RAW_NAME, SIS_TABLES
from ingestion.sis import load_sis
from ingestion.survey import load_survey

ZONE = "America/Los_Angeles"
"""The district time zone the loads' value rules use (a required argument)."""


def deliver(landing, name: str, header: str, rows: list[str]) -> None:
    write_bytes(landing / GOOD_DROP / name, csv_text(header, rows).encode())


def test_absent_fractions_outside_0_to_1_are_quarantined(con, settings, landing):
    """Rows 4-6 (-1.0, -0.25, 1.5) are impossible; rows 7-8 (0 and 1) are the bounds and load."""
    rows = [
        *ATTENDANCE_ROWS,
        "S0000001,1930001,2024-09-09,UNX,-1.0",
        "S0000002,1930001,2024-09-09,PRT,-0.25",
        "S0000003,1930001,2024-09-09,UNX,1.5",
        "S0000001,1930001,2024-09-10,TDY,0",
        "S0000002,1930001,2024-09-10,EXC,1",
    ]
    deliver(landing, "attendance__2024-25.csv", ATTENDANCE_HEADER, rows)
    result = load_sis(con, settings)["sis__attendance"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 5, 3)
    assert quarantined_rows(con) == [
        ("attendance", 4, "fraction_out_of_range", "absent_fraction", "-1.0"),
        ("attendance", 5, "fraction_out_of_range", "absent_fraction", "-0.25"),
        ("attendance", 6, "fraction_out_of_range", "absent_fraction", "1.5"),
    ]


def test_future_dates_and_birth_dates_are_quarantined(con, settings, landing):
    """Attendance in 2031 (row 4) has not happened; nor has a birth in 2030 (student row 2).

    S0000002's attendance (row 2) then follows its student into quarantine.
    """
    deliver(
        landing,
        "attendance__2024-25.csv",
        ATTENDANCE_HEADER,
        [*ATTENDANCE_ROWS, "S0000001,1930001,2031-09-09,UNX,1"],
    )
    students = [
        STUDENT_ROWS[0],
        STUDENT_ROWS[1].replace("2014-11-30", "2030-01-01"),
        STUDENT_ROWS[2],
    ]
    deliver(landing, "students.csv", STUDENTS_HEADER, students)
    load_sis(con, settings)
    assert quarantined_rows(con) == [
        ("attendance", 2, "parent_quarantined", "student_id", "S0000002"),
        ("attendance", 4, "future_date", "attendance_date", "2031-09-09"),
        ("students", 2, "future_date", "birth_date", "2030-01-01"),
    ]


def test_dates_outside_the_row_school_year_are_quarantined(con, settings, landing):
    """2024-25 runs 2024-07-01 to 2025-06-30: rows 2 and 3 fall just outside it."""
    header = ",".join(next(c for c in SIS_TABLES if c.name == "calendar_days").columns)
    rows = [
        "1930001,2024-25,2024-07-01,HOL",
        "1930001,2024-25,2024-06-30,INSTR",
        "1930001,2024-25,2025-07-01,INSTR",
        "1930001,2024-25,2025-06-30,PD",
    ]
    deliver(landing, "calendar_days__2024-25.csv", header, rows)
    result = load_sis(con, settings)["sis__calendar_days"]
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert [row[:3] for row in quarantined_rows(con)] == [
        ("calendar_days", 2, "outside_school_year"),
        ("calendar_days", 3, "outside_school_year"),
    ]


def test_a_session_starting_tomorrow_in_the_district_is_quarantined(con):
    """Timestamps are in the future when their date in DISTRICT_TIMEZONE is after today."""
    zone = ZoneInfo("America/Los_Angeles")
    now = datetime.now(zone)
    tomorrow_noon = (now + timedelta(days=1)).replace(hour=12, minute=0).isoformat()
    earlier = (now - timedelta(hours=2)).isoformat()
    staged = con.sql(
        "select * from (values "
        f"('T1', 'S1', '1930001', 'High-Dose Tutoring', 'MATH', '{earlier}', '30', 'X1', "
        f"'completed', '{earlier}', 't.json', 1), "
        f"('T2', 'S1', '1930001', 'High-Dose Tutoring', 'MATH', '{tomorrow_noon}', '30', 'X1', "
        f"'completed', '{earlier}', 't.json', 2)) "
        "as t(session_id, student_id, school_code, service_type, subject, started_at, "
        "duration_minutes, tutor_id, status, updated_at, _source_file, _source_row)"
    )
    result = load_typed(con, staged, BY_RAW_NAME["tutoring__sessions"], ["t.json"], timezone=ZONE)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert [row[1:4] for row in quarantined_rows(con)] == [(2, "future_timestamp", "started_at")]


SURVEY_DICTIONARY = (
    "item_id,item_text,construct,construct_type,is_reversed,scale_min,scale_max\n"
    "Q01,I can learn anything.,Growth Mindset,SEL,N,1,5\n"
    "Q02,I feel safe at school.,Safety,CLIMATE,N,1,4\n"
)
SURVEY_FIXED = "response_id,student_id,school_code,grade_level,started_at,submitted_at"


def test_survey_answers_off_the_item_scale_are_quarantined(con, settings):
    """Q01 is 1-5 and Q02 1-4: R1's 9 and R2's -2 on Q01 and R3's 5 on Q02 are off the scale.

    6 answered cells read = 3 loaded (R1 Q02 4, R2 Q02 1, R3 Q01 5) + 3 quarantined.
    """
    survey = settings.survey_export_dir
    write_bytes(survey / "item_dictionary.csv", SURVEY_DICTIONARY.encode())
    write_bytes(
        survey / "responses__2024-25__spring.csv",
        (
            f"{SURVEY_FIXED},Q01,Q02\n"
            "R1,S0000001,1930001,05,2025-04-01T09:00:00Z,2025-04-01T09:10:00Z,9,4\n"
            "R2,S0000002,1930001,05,2025-04-01T09:00:00Z,2025-04-01T09:12:00Z,-2,1\n"
            "R3,S0000003,1930001,05,2025-04-01T09:00:00Z,2025-04-01T09:12:00Z,5,5\n"
        ).encode(),
    )
    result = load_survey(con, settings)["survey__responses"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 3, 3)
    assert quarantined_rows(con) == [
        ("responses", 1, "off_scale", "response_value", "9"),
        ("responses", 2, "off_scale", "response_value", "-2"),
        ("responses", 3, "off_scale", "response_value", "5"),
    ]
