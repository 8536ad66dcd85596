"""A benchmark night's tutoring sessions, HR changes and survey wave, on hand-built sources.

Every expected value below was worked out by hand from the rows written in each test.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.nightly_hr import _separate_staff, day_volumes, land_hr_day
from bench.nightly_survey import land_survey_day
from bench.nightly_tutoring import land_tutoring_day
from bench.pristine_sources import PristineSources
from synthetic_district.hr import metadata


def _session(number: int, started: str, minutes: int, updated: str) -> dict:
    return {
        "session_id": f"TS{number:08d}",
        "student_id": f"S{number:07d}",
        "school_code": "1930001",
        "service_type": "High-Dose Tutoring",
        "subject": "MATH",
        "started_at": started,
        "duration_minutes": minutes,
        "tutor_id": "TU00001",
        "status": "completed",
        "updated_at": updated,
    }


def _page(path: Path, number: int, records: list[dict], next_cursor: str | None) -> None:
    meta = {"page": number, "page_size": 3, "next_cursor": next_cursor, "total": 5}
    path.write_text(json.dumps({"data": records, "meta": meta}))


def test_a_school_day_of_sessions_fills_the_last_page_and_starts_the_next(tmp_path):
    sources = tmp_path / "sources"
    pages = sources / "tutoring" / "sessions"
    pages.mkdir(parents=True)
    _page(
        pages / "page-00001.json",
        1,
        [
            _session(1, "2026-11-17T16:00:00Z", 30, "2026-11-17T18:00:00Z"),
            _session(2, "2026-11-18T16:00:00Z", 30, "2026-11-18T18:00:00Z"),
            _session(3, "2026-11-18T20:00:00Z", 45, "2026-11-18T22:00:00Z"),
        ],
        "p00002",
    )
    _page(
        pages / "page-00002.json",
        2,
        [
            _session(4, "2026-11-19T16:00:00Z", 30, "2026-11-19T17:00:00Z"),
            _session(5, "2026-11-19T22:15:00Z", 20, "2026-11-19T23:00:00Z"),
        ],
        None,
    )
    first_page = (pages / "page-00001.json").read_bytes()
    pristine = PristineSources(sources, tmp_path / "store")

    day = land_tutoring_day(pages, date(2026, 11, 19), date(2026, 11, 20), pristine)

    # The two sessions started on 11-19 move to 11-20 as TS6 and TS7; page 2 holds 3 records,
    # so TS6 completes it and TS7 opens page 3. updated_at = start + duration + 1 hour.
    assert day.sessions_added == 2
    assert day.pages_written == ("page-00002.json", "page-00003.json")
    assert (pages / "page-00001.json").read_bytes() == first_page
    page2 = json.loads((pages / "page-00002.json").read_text())
    page3 = json.loads((pages / "page-00003.json").read_text())
    assert [r["session_id"] for r in page2["data"]] == ["TS00000004", "TS00000005", "TS00000006"]
    assert page2["meta"] == {"page": 2, "page_size": 3, "next_cursor": "p00003", "total": 7}
    assert page2["data"][2] == {
        **_session(4, "2026-11-20T16:00:00Z", 30, "2026-11-20T17:30:00Z"),
        "session_id": "TS00000006",
    }
    assert page3["meta"] == {"page": 3, "page_size": 3, "next_cursor": None, "total": 7}
    assert page3["data"] == [
        {
            **_session(5, "2026-11-20T22:15:00Z", 20, "2026-11-20T23:35:00Z"),
            "session_id": "TS00000007",
        }
    ]

    # Restoring puts page 2 back as generated and removes page 3.
    assert sorted(pristine.restore()) == [
        "tutoring/sessions/page-00002.json",
        "tutoring/sessions/page-00003.json",
    ]
    assert sorted(p.name for p in pages.iterdir()) == ["page-00001.json", "page-00002.json"]
    assert len(json.loads((pages / "page-00002.json").read_text())["data"]) == 2


def _hr_database(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata().create_all(engine)
    engine.dispose()
    return sqlite3.connect(path)


_STAMP = "2026-10-01 07:30:00.000000"


def test_a_day_of_hr_changes_applies_steps_and_separates(tmp_path):
    hr_file = tmp_path / "sources" / "hr" / "hr.sqlite"
    con = _hr_database(hr_file)
    con.executemany(
        "insert into staff values (?, 'Last', 'First', '1980-01-01', 'F', 0, 'WH', "
        "'2010-08-01', ?, ?)",
        [("E000001", None, _STAMP), ("E000002", None, _STAMP), ("E000003", "2026-10-01", _STAMP)],
    )
    con.executemany(
        "insert into positions values (?, ?, 'CERT', 'Teacher', 1.0, 1, ?)",
        [("P000001", "1930001", _STAMP), ("P000002", None, _STAMP), ("P000003", "1930001", _STAMP)],
    )
    con.executemany(
        "insert into assignments values (?, ?, ?, ?, 'CERT', 'Teacher', 1.0, 60000.0, "
        "'2010-08-01', ?, ?)",
        [
            ("A0000001", "E000001", "P000001", "1930001", None, _STAMP),
            ("A0000002", "E000002", "P000002", None, None, _STAMP),  # central office
            ("A0000003", "E000003", "P000003", "1930001", "2026-10-01", _STAMP),
        ],
    )
    con.executemany(
        "insert into vacancies values (?, ?, '1930001', 'CERT', ?, ?, null, ?, ?)",
        [
            ("V000001", "P000003", "2026-10-05", None, "OPEN", _STAMP),
            ("V000002", "P000001", "2010-06-01", "2010-07-01", "FILLED", _STAMP),
        ],
    )
    con.executemany(
        "insert into applications values (?, ?, 'V000001', ?, ?, ?, ?, ?)",
        [
            ("APP0000001", "C0000001", "2026-10-10", 1, "WH", "F", _STAMP),
            ("APP0000002", "C0007920", "2026-10-12", 0, "BL", "M", _STAMP),
        ],
    )
    con.executemany(
        "insert into application_events values (?, ?, ?, ?)",
        [
            ("APP0000001", "applied", "2026-10-10", _STAMP),
            ("APP0000001", "screened", "2026-10-15", _STAMP),
            ("APP0000002", "applied", "2026-10-12", _STAMP),
        ],
    )
    con.commit()
    con.close()

    day = land_hr_day(hr_file, date(2026, 11, 20), PristineSources(hr_file.parents[1], tmp_path))

    # Nothing in the 28 days before 11-20, so the floor of one application and one step; one
    # separation (E3, 10-01) in 60 days rounds to none.
    assert (day.applications_added, day.funnel_steps_added, day.separations) == (1, 1, 0)
    con = sqlite3.connect(hr_file)
    stamp = "2026-11-20 23:00:00.000000"
    # The new application goes to the one open vacancy with the latest applicant's groups
    # (APP2: 0, BL, M); applicant id C + (2 × 7919 mod 9,999,991 + 1) = C0015839.
    assert con.execute(
        "select * from applications where application_id = 'APP0000003'"
    ).fetchall() == [("APP0000003", "C0015839", "V000001", "2026-11-20", 0, "BL", "M", stamp)]
    # APP2 has waited longest (at `applied` since 10-12; APP1 screened 10-15; APP3 is new today).
    assert con.execute(
        "select * from application_events where event_date = '2026-11-20' order by 1"
    ).fetchall() == [
        ("APP0000002", "screened", "2026-11-20", stamp),
        ("APP0000003", "applied", "2026-11-20", stamp),
    ]

    # One separation: E1 is the only active staff member with a school assignment.
    assert _separate_staff(con, "2026-11-20", stamp, 1) == 1
    assert con.execute(
        "select staff_id, separation_date from staff where last_modified_at = ?", (stamp,)
    ).fetchall() == [("E000001", "2026-11-20")]
    assert con.execute(
        "select assignment_id, end_date from assignments where last_modified_at = ?", (stamp,)
    ).fetchall() == [("A0000001", "2026-11-20")]
    assert con.execute("select * from vacancies where vacancy_id = 'V000003'").fetchall() == [
        ("V000003", "P000001", "1930001", "CERT", "2026-11-20", None, None, "OPEN", stamp)
    ]
    con.close()


def test_hr_day_volumes_are_the_recent_daily_means(tmp_path):
    con = _hr_database(tmp_path / "hr.sqlite")
    first = date(2026, 10, 23)  # 28 days before 11-20
    days = [(first + timedelta(days=i)).isoformat() for i in range(28)]
    # 56 applications in the window (2 a day) and 10 before it: 56 / 28 = 2 a day.
    apps = [(f"APP{i:07d}", d) for i, d in enumerate([d for d in days for _ in range(2)])]
    apps += [(f"APP9{i:06d}", "2026-09-01") for i in range(10)]
    con.executemany("insert into applications values (?, 'C1', 'V1', ?, 0, 'WH', 'F', 'x')", apps)
    # 84 screened steps in the window (3 a day) and 28 `applied` events, which do not count.
    events = [(f"APP{i:07d}", "screened", days[i % 28]) for i in range(84)]
    events += [(f"APP{i:07d}", "applied", days[i]) for i in range(28)]
    con.executemany("insert into application_events values (?, ?, ?, 'x')", events)
    # 31 separations in the 60 days before 11-20: 31 / 60 = 0.52, one a day.
    con.executemany(
        "insert into staff values (?, 'L', 'F', null, 'F', 0, 'WH', null, '2026-10-01', 'x')",
        [(f"E{i:06d}",) for i in range(31)],
    )
    assert day_volumes(con, date(2026, 11, 20)) == (2, 3, 1)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _response(number, student, school, grade, hour, q01, q02) -> list[str]:
    """A wide export row: started on the hour, submitted ten minutes later."""
    started, submitted = f"{hour}:00:00Z", f"{hour}:10:00Z"
    return [f"SV2026{number:07d}", student, school, grade, started, submitted, q01, q02]


def test_a_survey_wave_adds_a_days_responses_from_students_yet_to_answer(tmp_path):
    sources = tmp_path / "sources"
    export = sources / "survey" / "responses__2026-27__fall.csv"
    header = ["response_id", "student_id", "school_code", "grade_level", "started_at",
              "submitted_at", "Q01", "Q02"]  # fmt: skip
    existing = [
        _response(1, "S1", "A", "05", "2026-10-06T15", "4", ""),
        _response(2, "S7", "A", "06", "2026-10-06T16", "3", "2"),
        _response(3, "S8", "B", "09", "2026-10-07T15", "1", "4"),
        _response(4, "S9", "B", "10", "2026-10-07T16", "2", "1"),
    ]
    _write_csv(export, header, existing)
    enrollments = sources / "sis" / "2026-11-20" / "enrollments__2026-27.csv"
    _write_csv(
        enrollments,
        ["student_id", "school_code", "school_year", "grade_level", "entry_date", "exit_date"],
        [
            ["S1", "A", "2026-27", "05", "2026-08-13", ""],  # answered already
            ["S2", "A", "2026-27", "02", "2026-08-13", ""],  # grade 2: not surveyed
            ["S3", "A", "2026-27", "07", "2026-08-13", ""],  # respondent
            ["S4", "B", "2026-27", "10", "2026-08-13", "2026-11-01"],  # left before 11-20
            ["S5", "B", "2026-27", "09", "2026-08-13", ""],  # respondent
            ["S6", "B", "2026-27", "11", "2026-12-01", ""],  # not enrolled yet
        ],
    )
    pristine = PristineSources(sources, tmp_path / "store")

    day = land_survey_day(sources / "survey", enrollments, "2026-27", date(2026, 11, 20), pristine)

    # 4 responses over 2 days of submission: 2 a day; S3 and S5 are the only eligible students
    # who have not answered.
    assert (day.export, day.responses_added) == ("responses__2026-27__fall.csv", 2)
    with export.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == header and rows[1:5] == existing
    added = rows[5:]
    assert [r[0] for r in added] == ["SV20260000005", "SV20260000006"]
    assert sorted((r[1], r[2], r[3]) for r in added) == [("S3", "A", "07"), ("S5", "B", "09")]
    # Starts at 15:00:00 and 15:00:37 UTC; submitted 300 s and 300 + 53 s after.
    assert [(r[4], r[5]) for r in added] == [
        ("2026-11-20T15:00:00Z", "2026-11-20T15:05:00Z"),
        ("2026-11-20T15:00:37Z", "2026-11-20T15:06:30Z"),
    ]
    # Each respondent answers as one earlier respondent did, skipped items included.
    assert all([r[6], r[7]] in [e[6:] for e in existing] for r in added)

    # A school year with no administration exported brings no wave.
    no_wave = land_survey_day(
        sources / "survey", enrollments, "2027-28", date(2026, 11, 20), pristine
    )
    assert (no_wave.export, no_wave.responses_added) == (None, 0)
    pristine.restore()
    with export.open(newline="") as handle:
        assert list(csv.reader(handle))[1:] == existing


def test_pristine_copies_taken_before_a_new_generation_are_dropped_not_restored(tmp_path):
    sources = tmp_path / "sources"
    data = sources / "hr" / "hr.sqlite"
    data.parent.mkdir(parents=True)
    data.write_text("generated 1")
    (sources / ".generated.json").write_text(json.dumps({"request": {"seed": 1}}))
    pristine = PristineSources(sources, tmp_path / "store")
    pristine.before_change(data)
    data.write_text("changed by a night")
    # The district is generated again (another seed): its files are the ones to keep.
    (sources / ".generated.json").write_text(json.dumps({"request": {"seed": 2}}))
    data.write_text("generated 2")
    assert pristine.restore() == []
    assert data.read_text() == "generated 2"
    assert not (tmp_path / "store").exists()


def _digests(root: Path) -> dict[str, str]:
    import hashlib

    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_night_on_the_tiny_district_brings_every_source_and_is_undone(tmp_path):
    from bench.generation import ensure_generated
    from bench.nightly_drop import remove_bench_drops
    from bench.nightly_sources import land_night

    sources = tmp_path / "sources"
    ensure_generated("tiny", sources, seed=20261120, as_of=date(2026, 11, 20))
    generated = _digests(sources)
    pristine = PristineSources(sources, tmp_path / "store")

    night = land_night(sources, pristine)

    # The as-of date is 2026-11-20: attendance runs to 11-19, the new school day is 11-20.
    assert night.sis.new_school_day == date(2026, 11, 20)
    assert night.sis.attendance_rows_added > 0
    assert night.tutoring.sessions_added > 0
    assert night.hr.applications_added >= 1 and night.hr.funnel_steps_added >= 1
    assert night.survey.export == "responses__2026-27__fall.csv"
    assert night.survey.responses_added > 0
    assert _digests(sources) != generated

    remove_bench_drops(sources / "sis")
    pristine.restore()
    assert _digests(sources) == generated
