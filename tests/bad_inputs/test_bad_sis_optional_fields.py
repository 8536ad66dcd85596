"""Required means required: a student missing only optional values loads, as "not reported".

Hand-built students file: row 2 (S0000002) has its names, birth date, gender, ethnicity, race,
language and ZIP all empty; row 4 has no student_id. 4 rows read = 3 loaded + 1 quarantined,
and S0000002's attendance row loads too (its student is there).
"""

from __future__ import annotations

from bad_input_files import GOOD_DROP, STUDENT_ROWS, STUDENTS_HEADER, csv_text, write_bytes

from ingestion.contracts import BY_RAW_NAME
from ingestion.sis import load_sis
from quality.suites.raw import RAW_RULES

STUDENTS = BY_RAW_NAME["sis__students"]


def test_missing_optional_values_keep_the_row_with_gender_not_reported(con, settings, landing):
    rows = [
        STUDENT_ROWS[0],
        "S0000002,,,,,,,,,,",
        STUDENT_ROWS[2],
        ",1000000004,Kim,Min,,2015-01-01,F,N,AS,ko,90004",
    ]
    write_bytes(landing / GOOD_DROP / "students.csv", csv_text(STUDENTS_HEADER, rows).encode())
    results = load_sis(con, settings)

    students = results["sis__students"]
    assert (students.rows_read, students.rows_loaded, students.rows_quarantined) == (4, 3, 1)
    assert con.execute(
        "select gender, birth_date, last_name, is_hispanic_latino, race_codes, home_language, "
        "address_zip from raw.sis__students where student_id = 'S0000002'"
    ).fetchall() == [("NR", None, None, None, None, None, None)]
    assert con.execute("select source_row, rule, column_name from raw._quarantine").fetchall() == [
        (4, "required_missing", "student_id")
    ]
    attendance = results["sis__attendance"]
    assert (attendance.rows_loaded, attendance.rows_quarantined) == (3, 0)


def test_the_contract_splits_required_from_optional():
    assert STUDENTS.required == ("student_id",)
    assert STUDENTS.not_reported == ("gender",)
    [gender_codes] = [
        r
        for r in RAW_RULES["sis__students"]
        if r.expectation == "ExpectColumnValuesToBeInSet" and r.kwargs["column"] == "gender"
    ]
    assert "NR" in gender_codes.kwargs["value_set"]
