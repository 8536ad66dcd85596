"""The tiny profile's output against the source contract and the district's own invariants."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ingestion.contracts import BY_RAW_NAME, HR_TABLES, SIS_TABLES, SURVEY_TABLES, TUTORING_TABLES
from synthetic_district import DEFAULT_AS_OF, generate_district
from synthetic_district.__main__ import main
from synthetic_district.assessments import LEVEL3_CUT
from synthetic_district.survey import ITEM_IDS

DROP = DEFAULT_AS_OF.isoformat()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate_district("tiny", out, seed=7)
    return out


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


_CONNECTIONS: dict[Path, duckdb.DuckDBPyConnection] = {}


def _sql(root: Path, query: str):
    """Run a query over the generated SIS tables, loaded once per output folder."""
    if root not in _CONNECTIONS:
        con = duckdb.connect()
        drop = root / "sis" / DROP
        for table in (
            "enrollments",
            "calendar_days",
            "attendance",
            "registrations",
            "course_grades",
            "assessments",
        ):
            con.execute(
                f"create table {table} as select * from "
                f"read_csv('{drop}/{table}__*.csv', header=true)"
            )
        for table in ("students", "program_spans"):
            con.execute(f"create table {table} as select * from read_csv('{drop}/{table}.csv')")
        _CONNECTIONS[root] = con
    return _CONNECTIONS[root].execute(query).fetchall()


def test_sis_files_match_contract_columns_and_order(tiny):
    drop = tiny / "sis" / DROP
    for contract in SIS_TABLES:
        pattern = f"{contract.name}__*.csv" if contract.year_scoped else f"{contract.name}.csv"
        files = sorted(drop.glob(pattern))
        # Three school years for year-scoped tables, one snapshot file otherwise.
        assert len(files) == (3 if contract.year_scoped else 1), contract.name
        for f in files:
            assert _header(f) == list(contract.columns), f.name


def test_survey_and_planning_files_match_contract(tiny):
    items = tiny / "survey" / "item_dictionary.csv"
    assert _header(items) == list(SURVEY_TABLES[0].columns)
    wide = sorted((tiny / "survey").glob("responses__*__fall.csv"))
    assert [f.name for f in wide] == [
        f"responses__{y}__fall.csv" for y in ("2024-25", "2025-26", "2026-27")
    ]
    for f in wide:
        assert _header(f) == list(SURVEY_TABLES[1].columns)[:6] + ITEM_IDS
    targets = tiny / "planning" / "school_targets.csv"
    assert _header(targets) == list(BY_RAW_NAME["planning__school_targets"].columns)


def test_hr_database_tables_match_contract(tiny):
    con = sqlite3.connect(tiny / "hr" / "hr.sqlite")
    for contract in HR_TABLES:
        cols = [row[1] for row in con.execute(f"pragma table_info({contract.name})")]
        assert cols == list(contract.columns), contract.name
        assert con.execute(f"select count(*) from {contract.name}").fetchone()[0] > 0
    active = con.execute("select count(*) from staff where separation_date is null").fetchone()
    assert active[0] > 0


def test_tutoring_pages_look_like_the_api(tiny):
    for contract in TUTORING_TABLES:
        pages = sorted((tiny / "tutoring" / contract.name).glob("page-*.json"))
        assert pages and pages[0].name == "page-00001.json"
        docs = [json.loads(p.read_text(encoding="utf-8")) for p in pages]
        total = docs[0]["meta"]["total"]
        assert sum(len(d["data"]) for d in docs) == total
        for number, doc in enumerate(docs, start=1):
            assert set(doc) == {"data", "meta"}
            assert doc["meta"]["page"] == number
            assert (doc["meta"]["next_cursor"] is None) == (number == len(docs))
            for record in doc["data"]:
                assert list(record) == list(contract.columns)


def test_same_seed_is_byte_identical_and_another_seed_differs(tiny, tmp_path):
    again = tmp_path / "again"
    generate_district("tiny", again, seed=7)
    files = sorted(p.relative_to(tiny) for p in tiny.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (tiny / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = tmp_path / "other"
    generate_district("tiny", other, seed=8)
    students = Path("sis") / DROP / "students.csv"
    assert (other / students).read_bytes() != (tiny / students).read_bytes()


def test_rerun_replaces_previous_output(tmp_path):
    stale = tmp_path / "sis" / "2020-01-01" / "students.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    generate_district("tiny", tmp_path, seed=7, as_of=date(2025, 3, 1))
    assert not stale.exists()
    assert (tmp_path / "sis" / "2025-03-01" / "students.csv").exists()
    # With an as-of date before 31 October... here March: every year has had its survey.
    assert (tmp_path / "survey" / "responses__2024-25__fall.csv").exists()


def test_every_school_year_has_180_instructional_days(tiny):
    rows = _sql(
        tiny,
        "select school_code, school_year, count(*) from calendar_days "
        "where day_type = 'INSTR' group by all",
    )
    assert len(rows) == 4 * 3  # four schools, three years
    assert {r[2] for r in rows} == {180}
    weekend = _sql(
        tiny, "select count(*) from calendar_days where dayofweek(calendar_date) in (0, 6)"
    )
    assert weekend == [(0,)]


def test_every_enrolment_registration_and_program_student_exists(tiny):
    for table in ("enrollments", "registrations", "program_spans"):
        missing = _sql(
            tiny,
            f"select count(*) from {table} t where not exists "
            f"(select 1 from students s where s.student_id = t.student_id)",
        )
        assert missing == [(0,)], table
    ordered = _sql(
        tiny,
        "select count(*) from registrations where placement_date < "
        "registration_date or first_attendance_date < placement_date",
    )
    assert ordered == [(0,)]


def test_attendance_falls_on_instructional_days_inside_an_enrolment(tiny):
    orphans = _sql(
        tiny,
        """
        select count(*) from attendance a where not exists (
            select 1 from enrollments e join calendar_days c
              on c.school_code = e.school_code and c.school_year = e.school_year
            where e.student_id = a.student_id and e.school_code = a.school_code
              and c.calendar_date = a.attendance_date and c.day_type = 'INSTR'
              and a.attendance_date >= e.entry_date
              and a.attendance_date <= coalesce(e.exit_date, date '2099-12-31'))""",
    )
    assert orphans == [(0,)]
    after = _sql(tiny, f"select count(*) from attendance where attendance_date >= date '{DROP}'")
    assert after == [(0,)]
    dupes = _sql(
        tiny,
        "select count(*) from (select student_id, attendance_date from attendance "
        "group by all having count(*) > 1)",
    )
    assert dupes == [(0,)]
    fractions = _sql(
        tiny,
        "select attendance_code, min(absent_fraction), max(absent_fraction) "
        "from attendance group by 1",
    )
    bounds = {code: (lo, hi) for code, lo, hi in fractions}
    assert bounds["TDY"] == (0.0, 0.0) and bounds["ISS"] == (0.0, 0.0)
    assert bounds["EXC"] == (1.0, 1.0) and bounds["UNX"] == (1.0, 1.0)
    assert 0.0 < bounds["PRT"][0] <= bounds["PRT"][1] < 1.0


def test_chronic_absence_rate_is_plausible(tiny):
    (rate,) = _sql(
        tiny,
        """
        with enrolled as (
            select e.student_id, e.school_code, e.entry_date, count(*) as days
            from enrollments e join calendar_days c
              on c.school_code = e.school_code and c.school_year = e.school_year
             and c.day_type = 'INSTR' and c.calendar_date >= e.entry_date
             and c.calendar_date <= coalesce(e.exit_date, date '2026-11-19')
            where e.school_year = '2025-26' group by all),
        absent as (
            select e.student_id, e.school_code, e.entry_date, sum(a.absent_fraction) as days
            from attendance a join enrollments e
              on a.student_id = e.student_id and a.school_code = e.school_code
             and a.attendance_date between e.entry_date and coalesce(e.exit_date, date '2099-1-1')
            where a.attendance_code in ('EXC', 'UNX', 'OSS', 'PRT') group by all)
        select avg(case when coalesce(a.days, 0) * 10 >= n.days then 1 else 0 end)
        from enrolled n left join absent a using (student_id, school_code, entry_date)
        where n.days >= 31""",
    )[0]
    # State rule on about 300 students: the generator aims at 15-30%; allow sampling noise.
    assert 0.08 <= rate <= 0.40


def test_performance_levels_follow_the_cut_scores(tiny):
    rows = _sql(
        tiny, "select subject, grade_tested, scale_score, performance_level from assessments"
    )
    assert rows
    for subject, grade, score, level in rows:
        cut = LEVEL3_CUT[subject][int(grade)]
        expected = 1 + (score >= cut - 60) + (score >= cut) + (score >= cut + 80)
        assert level == expected


def test_graduates_and_grade_progression(tiny):
    graduates = _sql(
        tiny,
        "select count(*), count(*) filter (where grade_level <> '12') "
        "from enrollments where exit_code = 'GR'",
    )
    assert graduates[0][0] > 0 and graduates[0][1] == 0
    # A promoted student comes back one grade higher.
    skipped = _sql(
        tiny,
        """
        select count(*) from enrollments a join enrollments b on a.student_id = b.student_id
        where a.school_year = '2024-25' and b.school_year = '2025-26' and a.exit_code = 'PR'
          and cast(replace(b.grade_level, 'KN', '00') as int)
              <> cast(replace(a.grade_level, 'KN', '00') as int) + 1""",
    )
    assert skipped == [(0,)]
    current_open = _sql(
        tiny,
        "select count(*) filter (where exit_date is null), count(*) "
        "from enrollments where school_year = '2026-27'",
    )
    assert current_open[0][0] > 0.8 * current_open[0][1]


def test_high_school_courses_carry_five_credits(tiny):
    rows = _sql(tiny, "select distinct credits_attempted from course_grades")
    assert rows == [(5.0,)]
    failed = _sql(
        tiny, "select count(*) from course_grades where mark in ('F', 'NP') and credits_earned <> 0"
    )
    assert failed == [(0,)]


def test_cli_prints_the_summary(tmp_path, capsys):
    assert main(["--profile", "tiny", "--out", str(tmp_path), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "sis__attendance" in printed and "profile=tiny" in printed
    assert np.all(
        [(tmp_path / d).is_dir() for d in ("sis", "hr", "tutoring", "survey", "planning")]
    )
