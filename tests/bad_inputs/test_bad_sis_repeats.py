"""Rows the SIS sends twice for one key: collapsed and counted, conflicts resolved, never blocking.

The valid drop's attendance file has 3 rows (bad_input_files.ATTENDANCE_ROWS); each test appends
repeats of row 1 (S0000001, 1930001, 2024-09-05, UNX, 1) and works out by hand what is kept:
rows read = rows loaded + rows quarantined + rows collapsed.
"""

from __future__ import annotations

from datetime import date

from bad_input_files import ATTENDANCE_HEADER, ATTENDANCE_ROWS, GOOD_DROP, csv_text, write_bytes

from ingestion.common.typed_load import load_typed
from ingestion.contracts import BY_RAW_NAME
from ingestion.sis import load_sis
from quality.load_checks import row_accounting

ZONE = "America/Los_Angeles"
"""The district time zone the loads' value rules use (a required argument)."""

ATTENDANCE = BY_RAW_NAME["sis__attendance"]
FILE = f"sis/{GOOD_DROP}/attendance__2024-25.csv"


def deliver_attendance(con, settings, landing, extra_rows: list[str]):
    rows = [*ATTENDANCE_ROWS, *extra_rows]
    write_bytes(
        landing / GOOD_DROP / "attendance__2024-25.csv",
        csv_text(ATTENDANCE_HEADER, rows).encode(),
    )
    return load_sis(con, settings, [ATTENDANCE])["sis__attendance"]


def collapsed_rows(con) -> list[tuple]:
    return con.execute(
        "select source_row, rule, kept_source_row from raw._collapsed_rows order by source_row"
    ).fetchall()


def day_of(con, student_id: str) -> list[tuple]:
    return con.execute(
        "select attendance_code, absent_fraction, _source_row from raw.sis__attendance "
        "where student_id = ? and attendance_date = ?",
        [student_id, date(2024, 9, 5)],
    ).fetchall()


def test_an_exact_re_sent_row_collapses_and_is_counted(con, settings, landing):
    """Row 4 repeats row 1 exactly: 4 read = 3 loaded + 0 quarantined + 1 collapsed."""
    result = deliver_attendance(con, settings, landing, [ATTENDANCE_ROWS[0]])
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 0)
    assert (result.rows_collapsed, result.rows_conflicting) == (1, 0)
    assert result.warnings == ()
    assert day_of(con, "S0000001") == [("UNX", 1.0, 4)]  # the later row of equal ones
    assert collapsed_rows(con) == [(1, "exact_repeat", 4)]
    assert con.execute(
        "select rows_read, rows_loaded, rows_quarantined, rows_collapsed from raw._load_audit"
    ).fetchall() == [(4, 3, 0, 1)]
    accounting = row_accounting(con, "sis", "attendance")
    assert accounting.passed
    assert accounting.message == "read 4 = loaded 3 + quarantined 0 + collapsed 1"


def test_a_conflicting_repeat_keeps_the_more_severe_row_and_warns(con, settings, landing):
    """Same student-day as row 1: EXC (1.0) at row 4, PRT (0.5) at row 5.

    Precedence: same drop; largest absent_fraction (1.0 keeps UNX and EXC); then code
    severity, UNX before EXC: row 1 is kept, rows 4 and 5 are conflicting repeats.
    """
    result = deliver_attendance(
        con,
        settings,
        landing,
        ["S0000001,1930001,2024-09-05,EXC,1", "S0000001,1930001,2024-09-05,PRT,0.5"],
    )
    assert (result.rows_read, result.rows_loaded, result.rows_collapsed) == (5, 3, 2)
    assert result.rows_conflicting == 2
    assert day_of(con, "S0000001") == [("UNX", 1.0, 1)]
    assert collapsed_rows(con) == [(4, "conflicting_repeat", 1), (5, "conflicting_repeat", 1)]
    assert result.warnings == (
        "2 conflicting repeat(s) of a key resolved by precedence (newest drop, most severe, "
        "newest change, last row); see raw._collapsed_rows",
    )


def test_a_partial_day_loses_to_a_full_day_whatever_the_order(con, settings, landing):
    """S0000003 on 2024-09-06: PRT 0.25 at row 3, EXC 1.0 at row 4: EXC (1.0 > 0.25) is kept."""
    result = deliver_attendance(con, settings, landing, ["S0000003,1930001,2024-09-06,EXC,1"])
    assert (result.rows_loaded, result.rows_collapsed) == (3, 1)
    assert con.execute(
        "select attendance_code, absent_fraction from raw.sis__attendance "
        "where student_id = 'S0000003'"
    ).fetchall() == [("EXC", 1.0)]


def test_the_newest_drop_wins_before_severity(con):
    """Two rows for one key from two drops: the newer drop's EXC beats the older drop's OSS."""
    staged = con.sql(
        "select * from (values "
        "('S1', '1930001', '2024-09-05', 'OSS', '1', 'sis/2025-07-01/a.csv', 1, "
        "date '2025-07-01'), "
        "('S1', '1930001', '2024-09-05', 'EXC', '1', 'sis/2025-07-02/a.csv', 1, "
        "date '2025-07-02')) "
        "as t(student_id, school_code, attendance_date, attendance_code, absent_fraction, "
        "_source_file, _source_row, _drop_date)"
    )
    result = load_typed(con, staged, ATTENDANCE, ["a.csv"], timezone=ZONE)
    assert (result.rows_read, result.rows_loaded, result.rows_collapsed) == (2, 1, 1)
    assert con.execute(
        "select attendance_code, _drop_date from raw.sis__attendance"
    ).fetchall() == [("EXC", date(2025, 7, 2))]
