"""The next school day's drop, on a hand-built landing folder whose answer is known."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from bench.nightly_drop import BENCH_DROP_MARKER, land_next_school_day, remove_bench_drops


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _landing(root: Path) -> Path:
    drop = root / "sis" / "2026-11-20"
    _write(drop / "schools.csv", ["school_code", "school_name"], [["A", "Alder"], ["B", "Birch"]])
    _write(
        drop / "calendar_days__2026-27.csv",
        ["school_code", "school_year", "calendar_date", "day_type"],
        [
            ["A", "2026-27", "2026-11-19", "INSTR"],
            ["A", "2026-27", "2026-11-20", "INSTR"],
            ["A", "2026-27", "2026-11-23", "HOL"],
            ["A", "2026-27", "2026-11-30", "INSTR"],
            ["B", "2026-27", "2026-11-19", "INSTR"],
            ["B", "2026-27", "2026-11-20", "PD"],
            ["B", "2026-27", "2026-11-30", "INSTR"],
        ],
    )
    _write(
        drop / "enrollments__2026-27.csv",
        ["student_id", "school_code", "school_year", "entry_date", "exit_date"],
        [
            ["S1", "A", "2026-27", "2026-08-13", ""],
            ["S2", "A", "2026-27", "2026-08-13", "2026-11-19"],
            ["S3", "B", "2026-27", "2026-08-13", ""],
        ],
    )
    _write(
        drop / "attendance__2026-27.csv",
        ["student_id", "school_code", "attendance_date", "attendance_code", "absent_fraction"],
        [
            ["S1", "A", "2026-11-18", "TDY", "0.0"],
            ["S1", "A", "2026-11-19", "PRT", "0.5"],
            ["S2", "A", "2026-11-19", "UNX", "1.0"],
            ["S3", "B", "2026-11-19", "EXC", "1.0"],
        ],
    )
    _write(
        drop / "attendance__2025-26.csv",
        ["student_id", "school_code", "attendance_date", "attendance_code", "absent_fraction"],
        [["S1", "A", "2026-03-02", "EXC", "1.0"]],
    )
    return root / "sis"


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_more_school_day_lands_in_a_new_drop(tmp_path):
    landing = _landing(tmp_path)
    drop = land_next_school_day(landing)

    # Last recorded day 2026-11-19; the first instructional day after it is 2026-11-20 (A only,
    # B has a PD day); the next instructional day at any school after that is 2026-11-30
    # (2026-11-23 is a holiday), which dates the drop.
    assert drop.new_school_day == date(2026, 11, 20)
    assert drop.drop_date == date(2026, 11, 30)
    # The other sources' nights replay the day before the new one: the last recorded 11-19.
    assert drop.previous_school_day == date(2026, 11, 19)
    assert drop.current_school_year == "2026-27"
    # Of the three 11-19 rows: S1 at A is still enrolled and A is in session -> kept;
    # S2 left A on 11-19 -> dropped; S3's school B is not in session on 11-20 -> dropped. 1 row.
    assert drop.attendance_rows_added == 1

    new_drop = landing / "2026-11-30"
    assert (new_drop / BENCH_DROP_MARKER).exists()
    # Current-year files and snapshots are carried; the earlier year stays in the history drop.
    assert sorted(p.name for p in new_drop.glob("*.csv")) == [
        "attendance__2026-27.csv",
        "calendar_days__2026-27.csv",
        "enrollments__2026-27.csv",
        "schools.csv",
    ]
    rows = _rows(new_drop / "attendance__2026-27.csv")
    assert len(rows) == 4 + 1
    added = [r for r in rows if r["attendance_date"] == "2026-11-20"]
    assert added == [
        {
            "student_id": "S1",
            "school_code": "A",
            "attendance_date": "2026-11-20",
            "attendance_code": "PRT",
            "absent_fraction": "0.5",
        }
    ]


def test_a_second_landing_builds_on_the_first_and_cleanup_removes_only_bench_drops(tmp_path):
    landing = _landing(tmp_path)
    land_next_school_day(landing)
    second = land_next_school_day(landing)
    # After 11-20 (now recorded) the next instructional day is 11-30 at both schools; the drop
    # is then dated one day after the newest drop, since no later school day is listed.
    assert second.new_school_day == date(2026, 11, 30)
    assert second.drop_date == date(2026, 12, 1)
    # S1's PRT on 11-20 moves to 11-30 (A in session, S1 enrolled): 1 row added again.
    assert second.attendance_rows_added == 1

    removed = remove_bench_drops(landing)
    assert [p.name for p in removed] == ["2026-11-30", "2026-12-01"]
    assert [p.name for p in landing.iterdir()] == ["2026-11-20"]
