"""Grand Bend's Ed-Fi interchanges through the same raw checks and dbt models as a CSV drop.

The fixture (tests/fixtures/edfi_grand_bend) is loaded with `SIS_FORMAT=edfi_xml`, the SIS raw
suites run on it, and dbt builds the attendance path (`+fct_student_school_year_attendance`,
with every test whose models are all built), unchanged.

Hand-worked chronic absence (docs/metrics.md), from the fixture's XML: every school's calendar
has 169 instructional days (the sample's sessions: 81 fall + 88 spring), and every student
enters on 2021-08-23 with no exit, so each is enrolled 169 days. Absences counted from
StudentSchoolAttendance.xml (all on instructional days):

| student | school | days absent | absent share | rate | state (>= 10%) | LAUSD (< 92%) |
|---|---|---|---|---|---|---|
| 605023 | elementary | 17 excused | 10.06% | 89.94% | yes | yes |
| 605485 | elementary | 16 excused | 9.47% | 90.53% | no | yes |
| 605250 | high | 13 excused | 7.69% | 92.31% | no | no |
| 604822 | high | 4 excused (1) | 2.37% | 97.63% | no | no |

rate = (169 - days absent) / 169. (1) Plus a partial-day event without a duration on one of
those days, quarantined: the day counts once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.common.settings import SourceSettings
from ingestion.common.warehouse import connect_warehouse
from ingestion.contracts import SIS_TABLES
from ingestion.sis import load_sis
from orchestration.dbt.project import DBT_PROJECT_DIR
from quality.runner import SuiteRunner, close_runner
from quality.suites.raw import RAW_RULES

GRAND_BEND = Path(__file__).resolve().parents[1] / "fixtures" / "edfi_grand_bend"


@pytest.fixture(scope="module")
def grand_bend_warehouse(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("grand_bend")
    warehouse = root / "district.duckdb"
    settings = SourceSettings.from_env(
        {
            "DISTRICT_SOURCES_DIR": str(GRAND_BEND.parent),
            "SIS_LANDING_DIR": str(GRAND_BEND),
            "SIS_FORMAT": "edfi_xml",
        }
    )
    con = connect_warehouse(warehouse)
    try:
        load_sis(con, settings)
    finally:
        con.close()
    runner = SuiteRunner(warehouse, root / "gx", data_docs="off")
    outcomes = runner.validate_many(
        "raw", {t.raw_table: RAW_RULES[t.raw_table] for t in SIS_TABLES}
    )
    close_runner(runner)
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    target = root / "target"
    completed = subprocess.run(
        [
            dbt,
            "build",
            "--select",
            "+fct_student_school_year_attendance",
            "--exclude",
            "test_type:unit",
            "--indirect-selection",
            "cautious",
            "--profiles-dir",
            ".",
        ],
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            "WAREHOUSE_PATH": str(warehouse),
            "DBT_TARGET_PATH": str(target),
            "DBT_LOG_PATH": str(target),
        },
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    return warehouse, outcomes


def test_sis_raw_suites_pass_but_for_the_tables_ed_fi_does_not_supply(grand_bend_warehouse):
    """Registrations and course grades are not read from Ed-Fi yet, and every assessment
    result of the sample is quarantined (outside its school year): those tables are empty."""
    _, outcomes = grand_bend_warehouse
    blocking = {
        table: [rule.description for rule in outcome.blocking_failures]
        for table, outcome in outcomes.items()
        if outcome.blocking_failures
    }
    assert blocking == {
        "sis__registrations": ["table is not empty"],
        "sis__assessments": ["table is not empty"],
        "sis__course_grades": ["table is not empty"],
    }


def test_chronic_absence_of_grand_bend_students(grand_bend_warehouse):
    warehouse, _ = grand_bend_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select student_id, school_code, days_enrolled, days_absent::double, "
            "round(attendance_rate, 2), is_chronically_absent_state, is_chronically_absent_lausd "
            "from restricted.fct_student_school_year_attendance "
            "where student_id in ('605023', '605485', '605250', '604822') order by student_id"
        ).fetchall()
        per_school = con.execute(
            "select school_code, count(*) from restricted.fct_student_school_year_attendance "
            "group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("604822", "255901001", 169, 4.0, 97.63, False, False),
        ("605023", "255901107", 169, 17.0, 89.94, True, True),
        ("605250", "255901001", 169, 13.0, 92.31, False, False),
        ("605485", "255901107", 169, 16.0, 90.53, False, True),
    ]
    # Every enrolled student has a row: the enrolment counts of the built StudentEnrollment.xml.
    assert per_school == [("255901001", 232), ("255901044", 241), ("255901107", 487)]
