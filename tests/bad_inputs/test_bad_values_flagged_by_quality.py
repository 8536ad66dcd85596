"""What the raw quality suites see after a load: unknown codes warn, nothing else is left to flag.

An unknown code is kept in the raw table exactly as delivered (a district may add codes) and the
GX suites built from `quality.suites.raw` warn. A row the SIS re-sends is collapsed at load
(`repeats.py`), so the blocking key-uniqueness rule passes instead of stopping the night; a
future date and a date outside the row's school year are quarantined at load (`value_rules.py`),
so the suites' WARN rules for them find nothing.
"""

from __future__ import annotations

from datetime import date

from bad_input_files import (
    ATTENDANCE_HEADER,
    ATTENDANCE_ROWS,
    GOOD_DROP,
    csv_text,
    write_bytes,
)

from ingestion.contracts import SIS_TABLES
from ingestion.sis import load_sis
from quality.suites.raw import ERROR, RAW_RULES, WARN

ENROLLMENTS_HEADER = ",".join(next(c for c in SIS_TABLES if c.name == "enrollments").columns)


def rule(table: str, expectation: str, column_text: str):
    """The one rule of `table` with this expectation whose description mentions `column_text`."""
    [found] = [
        r for r in RAW_RULES[table] if r.expectation == expectation and column_text in r.description
    ]
    return found


def test_bad_values_load_and_the_raw_suites_flag_them(
    con, settings, landing, warehouse_path, tmp_path
):
    attendance = [
        *ATTENDANCE_ROWS,
        "S0000001,1930001,2024-09-05,UNX,1",  # row 1 re-sent: collapsed, not a duplicate key
        "S0000002,1930001,2024-09-10,ZZZ,1",  # unknown attendance code
        "S0000003,1930001,2099-01-05,EXC,1",  # a date long after the load: quarantined
    ]
    enrollments = [
        # entry 2024-08-20 is in 2024-25: fine
        "S0000001,1930001,2024-25,KN,2024-08-20,,E1,",
        # entry 2023-08-21 lies in 2023-24, not in the row's 2024-25: quarantined
        "S0000002,1930001,2024-25,03,2023-08-21,,E1,",
    ]
    drop = landing / GOOD_DROP
    write_bytes(drop / "attendance__2024-25.csv", csv_text(ATTENDANCE_HEADER, attendance).encode())
    write_bytes(
        drop / "enrollments__2024-25.csv", csv_text(ENROLLMENTS_HEADER, enrollments).encode()
    )

    results = load_sis(con, settings)

    # 6 attendance rows read = 4 loaded + 1 quarantined + 1 collapsed; 2 enrollments = 1 + 1
    attendance_load = results["sis__attendance"]
    assert (attendance_load.rows_read, attendance_load.rows_loaded) == (6, 4)
    assert (attendance_load.rows_quarantined, attendance_load.rows_collapsed) == (1, 1)
    assert results["sis__enrollments"].rows_loaded == 1
    assert con.execute(
        "select count(*) from raw.sis__attendance where student_id = 'S0000001' "
        "and attendance_date = ?",
        [date(2024, 9, 5)],
    ).fetchone() == (1,)
    assert con.execute(
        "select table_name, source_row, rule from raw._quarantine order by 1"
    ).fetchall() == [("attendance", 6, "future_date"), ("enrollments", 2, "outside_school_year")]

    # the rule set has each check at the severity the catalog states
    key_rule = rule("sis__attendance", "UnexpectedRowsCountExpectation", "is unique")
    assert key_rule.severity == ERROR
    assert key_rule.kwargs["unexpected_rows_query"].endswith(
        "group by student_id, school_code, attendance_date having count(*) > 1"
    )
    codes = rule("sis__attendance", "ExpectColumnValuesToBeInSet", "attendance_code")
    assert codes.severity == WARN and "ZZZ" not in codes.kwargs["value_set"]
    future = rule("sis__attendance", "UnexpectedRowsCountExpectation", "not in the future")
    assert future.severity == WARN
    assert (
        rule(
            "sis__enrollments", "UnexpectedRowsCountExpectation", "inside the row's school year"
        ).severity
        == WARN
    )

    # and running the suites on this warehouse fails exactly those rules
    con.close()
    from quality.runner import SuiteRunner

    runner = SuiteRunner(warehouse_path, tmp_path / "gx")
    outcomes = runner.validate_many(
        "raw",
        {
            "sis__attendance": RAW_RULES["sis__attendance"],
            "sis__enrollments": RAW_RULES["sis__enrollments"],
        },
    )
    failed = {
        (table, r.description, r.severity, r.unexpected_count)
        for table, outcome in outcomes.items()
        for r in outcome.outcomes
        if not r.success
    }
    assert failed == {
        ("sis__attendance", "attendance_code uses the contract's codes", WARN, 1),
    }
