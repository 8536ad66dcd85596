"""Bad SIS CSV deliveries: each gives a named error (last good table kept) or quarantine rows."""

from __future__ import annotations

from datetime import date

import pytest
from bad_input_files import (
    ATTENDANCE_HEADER,
    ATTENDANCE_ROWS,
    GOOD_DROP,
    NEXT_DROP,
    STUDENT_ROWS,
    STUDENTS_HEADER,
    csv_text,
    raw_rows,
    write_bytes,
)

from ingestion.contracts import BY_RAW_NAME
from ingestion.sis import SisSourceError, load_sis

STUDENTS = BY_RAW_NAME["sis__students"]
ATTENDANCE = BY_RAW_NAME["sis__attendance"]
NEW_STUDENTS = f"sis/{NEXT_DROP}/students.csv"


def load_good_then(con, settings, landing, contract, name: str, data: bytes):
    """Load the valid drop, deliver `data` as `name` in the next drop, return the table before."""
    load_sis(con, settings)
    before = raw_rows(con, contract.raw_table)
    write_bytes(landing / NEXT_DROP / name, data)
    return before


def expect_error(con, settings, contract, before, rule: str) -> SisSourceError:
    """The load fails with `rule`, and the raw table and its quarantine are as they were."""
    quarantined = con.execute("select count(*) from raw._quarantine").fetchone()
    with pytest.raises(SisSourceError) as raised:
        load_sis(con, settings, [contract])
    error = raised.value
    assert error.rule == rule, str(error)
    assert str(error).startswith(f"sis [{rule}] ")
    assert raw_rows(con, contract.raw_table) == before
    assert con.execute("select count(*) from raw._quarantine").fetchone() == quarantined
    return error


def test_empty_file_is_an_error_naming_the_file(con, settings, landing):
    before = load_good_then(con, settings, landing, STUDENTS, "students.csv", b"")
    error = expect_error(con, settings, STUDENTS, before, "empty_file")
    assert error.source_file == NEW_STUDENTS
    assert f"{NEW_STUDENTS} is empty (0 bytes" in str(error)


def test_header_only_file_loads_zero_rows_and_is_audited(con, settings, landing):
    """A header-only file is a delivery of no rows (a year file before the first incident)."""
    load_good_then(
        con, settings, landing, STUDENTS, "students.csv", (STUDENTS_HEADER + "\n").encode()
    )
    [result] = load_sis(con, settings, [STUDENTS]).values()
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
    assert con.execute("select count(*) from raw.sis__students").fetchone() == (0,)
    # the audit keeps both loads: 3 rows before, 0 now (quality's volume_change flags it)
    assert con.execute(
        "select rows_read from raw._load_audit where table_name = 'students' order by loaded_at"
    ).fetchall() == [(3,), (0,)]


# A long file puts the bad line past DuckDB's sniffing sample, so it fails during the load
# (scan) rather than when the header is read: both paths must name the row.
LONG_PREFIX = [f"S{n:07d},1930001,2024-09-05,UNX,1" for n in range(1, 30_001)]


@pytest.mark.parametrize(
    ("rows", "rule", "bad_row", "line_text"),
    [
        # row 4 of 4 has 4 fields instead of 5, no final newline (a transfer cut short)
        ([*ATTENDANCE_ROWS, "S0000004,1930001,2024-09-09,EXC"], "truncated_row", 4, "Found: 4"),
        # an unterminated quote on the last line
        (
            [*ATTENDANCE_ROWS, 'S0000004,1930001,"2024-09-09,EXC,1'],
            "unterminated_quote",
            4,
            "unterminated quote",
        ),
        # 30,000 good rows then a short one: data row 30,001
        ([*LONG_PREFIX, "S9,1930001,2024-09-05"], "truncated_row", 30_001, "Found: 3"),
    ],
    ids=["fewer_fields", "unterminated_quote", "fewer_fields_after_30000_rows"],
)
def test_truncated_last_line_is_an_error_naming_file_and_row(
    con, settings, landing, rows, rule, bad_row, line_text
):
    name = "attendance__2024-25.csv"
    data = ("\n".join([ATTENDANCE_HEADER, *rows])).encode()  # no newline after the last line
    before = load_good_then(con, settings, landing, ATTENDANCE, name, data)
    error = expect_error(con, settings, ATTENDANCE, before, rule)
    assert (error.source_file, error.source_row) == (f"sis/{NEXT_DROP}/{name}", bad_row)
    # data row N is file line N + 1 (the header is line 1)
    assert f"sis/{NEXT_DROP}/{name} row {bad_row} (line {bad_row + 1})" in str(error)
    assert line_text in str(error)


@pytest.mark.parametrize(("delimiter", "label"), [(";", "semicolon"), ("\t", "tab")])
def test_wrong_delimiter_is_an_error_saying_which(con, settings, landing, delimiter, label):
    text = csv_text(STUDENTS_HEADER, STUDENT_ROWS).replace(",", delimiter)
    before = load_good_then(con, settings, landing, STUDENTS, "students.csv", text.encode())
    error = expect_error(con, settings, STUDENTS, before, "wrong_delimiter")
    assert f"{NEW_STUDENTS} looks {label}-delimited" in str(error)


def test_missing_column_is_an_error_naming_it(con, settings, landing):
    header = STUDENTS_HEADER.replace(",home_language", "")
    rows = [",".join(r.split(",")[:9] + r.split(",")[10:]) for r in STUDENT_ROWS]
    before = load_good_then(
        con, settings, landing, STUDENTS, "students.csv", csv_text(header, rows).encode()
    )
    error = expect_error(con, settings, STUDENTS, before, "missing_column")
    assert f"{NEW_STUDENTS} is missing column(s) home_language" in str(error)


def test_renamed_column_is_an_error_naming_expected_and_found(con, settings, landing):
    header = STUDENTS_HEADER.replace("birth_date", "date_of_birth")
    before = load_good_then(
        con, settings, landing, STUDENTS, "students.csv", csv_text(header, STUDENT_ROWS).encode()
    )
    error = expect_error(con, settings, STUDENTS, before, "renamed_column")
    assert "expected column(s) birth_date not found; found column(s) date_of_birth" in str(error)


def test_extra_column_loads_and_warns(con, settings, landing, caplog):
    """Choice: an added column does not stop the night; it is named in the audit and the log."""
    header = STUDENTS_HEADER + ",nickname"
    rows = [r + ",Nick" for r in STUDENT_ROWS]
    load_good_then(
        con, settings, landing, STUDENTS, "students.csv", csv_text(header, rows).encode()
    )
    [result] = load_sis(con, settings, [STUDENTS]).values()
    warning = f"{NEW_STUDENTS}: column 'nickname' is not in the contract and was not loaded"
    assert result.warnings == (warning,)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    assert con.execute(
        "select warnings from raw._load_audit where load_id = ?", [result.load_id]
    ).fetchone() == ([warning],)
    assert warning in caplog.text
    assert "nickname" not in [c[0] for c in con.execute("describe raw.sis__students").fetchall()]


def test_wrong_types_are_quarantined_with_rule_file_row_and_value(con, settings, landing):
    rows = [
        *ATTENDANCE_ROWS,
        "S0000004,1930001,yesterday,EXC,1",  # row 4: text in a date column
        "S0000005,1930001,2024-09-09,EXC,half",  # row 5: text in a decimal column
    ]
    load_good_then(
        con,
        settings,
        landing,
        ATTENDANCE,
        "attendance__2024-25.csv",
        csv_text(ATTENDANCE_HEADER, rows).encode(),
    )
    [result] = load_sis(con, settings, [ATTENDANCE]).values()
    # 5 read = 3 loaded + 2 quarantined
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 3, 2)
    assert con.execute(
        "select rule, source_file, source_row, column_name, offending_value from raw._quarantine "
        "order by source_row"
    ).fetchall() == [
        (
            "invalid_date",
            f"sis/{NEXT_DROP}/attendance__2024-25.csv",
            4,
            "attendance_date",
            "yesterday",
        ),
        (
            "invalid_double",
            f"sis/{NEXT_DROP}/attendance__2024-25.csv",
            5,
            "absent_fraction",
            "half",
        ),
    ]


def test_utf8_bom_loads_and_the_first_column_is_clean(con, settings, landing):
    data = b"\xef\xbb\xbf" + csv_text(STUDENTS_HEADER, STUDENT_ROWS).encode()
    load_good_then(con, settings, landing, STUDENTS, "students.csv", data)
    [result] = load_sis(con, settings, [STUDENTS]).values()
    assert result.rows_loaded == 3
    assert con.execute(
        "select student_id from raw.sis__students order by student_id"
    ).fetchall() == [("S0000001",), ("S0000002",), ("S0000003",)]


def test_latin1_file_is_an_error_naming_file_and_byte_offset(con, settings, landing):
    """Choice: never guess an encoding (Latin-1, Windows-1252 and Mac Roman differ)."""
    rows = [*STUDENT_ROWS, "S0000004,1000000004,Muñoz,José,,2015-01-01,M,Y,WH,es,90004"]
    data = csv_text(STUDENTS_HEADER, rows).encode("latin-1")
    before = load_good_then(con, settings, landing, STUDENTS, "students.csv", data)
    error = expect_error(con, settings, STUDENTS, before, "invalid_encoding")
    offset = data.index("ñ".encode("latin-1"))
    # header + 3 rows precede it, so the ñ is on line 5
    assert f"{NEW_STUDENTS} line 5: byte(s) f1 at byte offset {offset} are not UTF-8" in str(error)


def test_accented_and_khmer_names_round_trip_exactly(con, settings, landing):
    names = [("Muñoz-Ibáñez", "José"), ("សុខ", "ស្រីពៅ"), ("Nguyễn", "Thị Ánh")]
    rows = [
        f"S000000{n},100000000{n},{last},{first},,2015-05-01,F,N,AS,km,90001"
        for n, (last, first) in enumerate(names, start=1)
    ]
    load_good_then(
        con,
        settings,
        landing,
        STUDENTS,
        "students.csv",
        csv_text(STUDENTS_HEADER, rows).encode("utf-8"),
    )
    load_sis(con, settings, [STUDENTS])
    assert (
        con.execute(
            "select last_name, first_name from raw.sis__students order by student_id"
        ).fetchall()
        == names
    )


def test_the_same_drop_delivered_twice_leaves_identical_tables(con, settings, landing):
    load_sis(con, settings)
    first = {t: raw_rows(con, t) for t in ("sis__students", "sis__attendance")}
    # the SIS re-sends the same night: same folder, same bytes, written again
    for path in (landing / GOOD_DROP).iterdir():
        path.write_bytes(path.read_bytes())
    load_sis(con, settings)
    assert {t: raw_rows(con, t) for t in first} == first
    # and a copy of the drop under a second date changes only the drop date lineage
    (landing / NEXT_DROP).mkdir()
    for path in (landing / GOOD_DROP).iterdir():
        (landing / NEXT_DROP / path.name).write_bytes(path.read_bytes())
    load_sis(con, settings)
    assert con.execute(
        "select count(*), count(distinct student_id), min(_drop_date) from raw.sis__students"
    ).fetchone() == (3, 3, date(2025, 7, 2))


def test_a_correcting_drop_wins_without_duplicates(con, settings, landing):
    load_sis(con, settings)
    corrected_students = [
        STUDENT_ROWS[0].replace("Lee,Ana", "Lee-Park,Ana"),  # corrected surname
        *STUDENT_ROWS[1:],
    ]
    corrected_attendance = [
        ATTENDANCE_ROWS[0].replace("UNX", "EXC"),  # unexcused recoded as excused
        *ATTENDANCE_ROWS[1:],
    ]
    write_bytes(
        landing / NEXT_DROP / "students.csv",
        csv_text(STUDENTS_HEADER, corrected_students).encode(),
    )
    write_bytes(
        landing / NEXT_DROP / "attendance__2024-25.csv",
        csv_text(ATTENDANCE_HEADER, corrected_attendance).encode(),
    )
    load_sis(con, settings)
    assert con.execute(
        "select student_id, last_name, _drop_date from raw.sis__students order by student_id"
    ).fetchall() == [
        ("S0000001", "Lee-Park", date(2025, 7, 2)),
        ("S0000002", "Okafor", date(2025, 7, 2)),
        ("S0000003", "Diaz", date(2025, 7, 2)),
    ]
    assert con.execute(
        "select student_id, attendance_code from raw.sis__attendance order by student_id"
    ).fetchall() == [("S0000001", "EXC"), ("S0000002", "TDY"), ("S0000003", "PRT")]
