"""Child rows whose parent is not loaded are quarantined with the reason; a share blocks, not a row.

Hand-worked from the valid drop (bad_input_files): 3 students, 1 school, 3 attendance rows, one
per student (S0000001 row 1, S0000002 row 2, S0000003 row 3).
"""

from __future__ import annotations

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
from ingestion.contracts import BY_RAW_NAME
from ingestion.sis import load_sis
from quality.load_checks import bad_row_share

ZONE = "America/Los_Angeles"
"""The district time zone the loads' value rules use (a required argument)."""

STUDENTS = BY_RAW_NAME["sis__students"]
ATTENDANCE = BY_RAW_NAME["sis__attendance"]
ATTENDANCE_FILE = f"sis/{GOOD_DROP}/attendance__2024-25.csv"


def test_a_quarantined_student_takes_its_attendance_with_it_and_says_so(con, settings, landing):
    """S0000002's birth date is not a date: student row 2 and attendance row 2 are quarantined.

    students 3 read = 2 loaded + 1 quarantined; attendance 3 read = 2 loaded + 1 quarantined.
    """
    students = [STUDENT_ROWS[0], STUDENT_ROWS[1].replace("2014-11-30", "unknown"), STUDENT_ROWS[2]]
    write_bytes(landing / GOOD_DROP / "students.csv", csv_text(STUDENTS_HEADER, students).encode())
    results = load_sis(con, settings)
    for table in ("sis__students", "sis__attendance"):
        result = results[table]
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert quarantined_rows(con) == [
        ("attendance", 2, "parent_quarantined", "student_id", "S0000002"),
        ("students", 2, "invalid_date", "birth_date", "unknown"),
    ]
    # counted per file: the attendance file's rows still add up on their own
    assert con.execute(
        "select count(*) from raw._quarantine where source_file = ?", [ATTENDANCE_FILE]
    ).fetchone() == (1,)


def test_attendance_of_a_student_never_delivered_is_missing_parent(con, settings, landing):
    rows = [*ATTENDANCE_ROWS, "S0000009,1930001,2024-09-06,EXC,1"]  # row 4: no such student
    write_bytes(
        landing / GOOD_DROP / "attendance__2024-25.csv", csv_text(ATTENDANCE_HEADER, rows).encode()
    )
    result = load_sis(con, settings)["sis__attendance"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert quarantined_rows(con) == [("attendance", 4, "missing_parent", "student_id", "S0000009")]


def test_a_row_wrong_in_itself_reports_that_before_its_parent(con, settings, landing):
    """Row 4 has no such student and a non-date: the column's own check comes first."""
    rows = [*ATTENDANCE_ROWS, "S0000009,1930001,someday,EXC,1"]
    write_bytes(
        landing / GOOD_DROP / "attendance__2024-25.csv", csv_text(ATTENDANCE_HEADER, rows).encode()
    )
    load_sis(con, settings)
    assert quarantined_rows(con) == [
        ("attendance", 4, "invalid_date", "attendance_date", "someday")
    ]


def test_the_bad_row_share_blocks_above_the_limit_and_warns_below(con, settings, landing):
    """1 of 3 students quarantined is 33.33%: over the default 1% it blocks; under 50% it warns."""
    students = [STUDENT_ROWS[0], STUDENT_ROWS[1].replace("2014-11-30", "unknown"), STUDENT_ROWS[2]]
    write_bytes(landing / GOOD_DROP / "students.csv", csv_text(STUDENTS_HEADER, students).encode())
    load_sis(con, settings)

    blocking = bad_row_share(con, STUDENTS, 0.01)
    assert (blocking.passed, blocking.severity) == (False, "ERROR")
    assert blocking.message == (
        "1 of 3 rows (33.33%) quarantined or orphaned; limit 1.00%: nothing of the table publishes"
    )
    warning = bad_row_share(con, STUDENTS, 0.5)
    assert (warning.passed, warning.severity) == (False, "WARN")
    assert warning.message.endswith("limit 50.00%: the rest publishes")
    # the metadata carries counts only, never a student's key
    assert warning.metadata == {
        "rows_quarantined": 1,
        "rows_orphaned": 0,
        "rows_delivered": 3,
        "bad_share": 0.333333,
    }
    clean = bad_row_share(con, BY_RAW_NAME["sis__schools"], 0.01)
    assert (clean.passed, clean.message) == (True, "no row of 1 quarantined or orphaned")


def test_an_orphan_of_another_source_counts_toward_the_share(con, settings, landing):
    """A tutoring session of S0000009 (no such SIS student) loads and counts as orphaned.

    Sessions: 2 delivered, 0 quarantined, 1 orphaned: 50% of the table.
    """
    load_sis(con, settings)
    staged = con.sql(
        "select * from (values "
        "('T1', 'S0000001', '1930001', 'High-Dose Tutoring', 'MATH', '2024-10-01T15:00:00Z', "
        "'30', 'X1', 'completed', '2024-10-01T16:00:00Z', 't.json', 1), "
        "('T2', 'S0000009', '1930001', 'High-Dose Tutoring', 'MATH', '2024-10-01T15:00:00Z', "
        "'30', 'X1', 'completed', '2024-10-01T16:00:00Z', 't.json', 2)) "
        "as t(session_id, student_id, school_code, service_type, subject, started_at, "
        "duration_minutes, tutor_id, status, updated_at, _source_file, _source_row)"
    )
    sessions = BY_RAW_NAME["tutoring__sessions"]
    assert load_typed(con, staged, sessions, ["t.json"], timezone=ZONE).rows_loaded == 2
    check = bad_row_share(con, sessions, 0.01)
    assert (check.passed, check.severity) == (False, "ERROR")
    assert check.metadata["rows_orphaned"] == 1
    assert check.message.startswith("1 of 2 rows (50.00%) quarantined or orphaned")
