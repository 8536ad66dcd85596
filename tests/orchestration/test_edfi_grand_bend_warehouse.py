"""Grand Bend's Ed-Fi interchanges through the whole full_refresh job, to every publication.

The fixture (tests/fixtures/edfi_grand_bend) runs as `make run` runs it (ingestion/SOURCES.md,
"Your district on Ed-Fi"), executed in-process by Dagster with the settings of that command:
`SIS_FORMAT=edfi_xml`, `SIS_LANDING_DIR` the fixture (no `DISTRICT_SOURCE_MODE`: the Ed-Fi
landing folder alone selects real sources), the school year of the sample pinned as the only
partition, HR read from the sample's staff (`HR_FORMAT=edfi_xml`: StaffAssociation.xml of the
same folder), and the sources the sample does not have declared absent: tutoring, survey,
planning (no school targets) and assessments (every result of the sample is dated outside its
school year, so all are quarantined: the district declares them absent until its extract is
fixed). Registrations and course grades are absent without being named: no Ed-Fi interchange
is read into them; so are HR's positions, vacancies, applications and application events.
The BI database, the open-data release and the portal must publish, with no published count
below the release's minimum n and no withheld count that the release's files, read together,
give back (tests/exports/open_data/release_attack.py).

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

Hand-worked Staffing Diversity Index (docs/metrics.md; Simpson index 1 − Σ p² over the seven
race/ethnicity groups of the staff on the October snapshot, 2021-10-06, the first Wednesday of
October), from StaffAssociation.xml. A staff member counts at the school of each assignment
(StaffEducationOrganizationAssignmentAssociation) begun by the snapshot: 207239 (2021-12-14),
207242 (2021-11-12) and 207256 (2022-09-16) are not yet on it. Hispanic ethnicity (`1`) makes
`HI` whatever the race; staff who are not Hispanic and whose race is Other, Middle Eastern or
North African, Hispanic or Latino (as a race) or Choose Not to Respond have no race code (the
shipped map leaves those to the district) and are left out, as declined to state.

| school | on snapshot | counted | HI | WH | BL | PI | AS | AI | of colour | Simpson |
|---|---|---|---|---|---|---|---|---|---|---|
| middle 255901044 | 16 | 13 | 11 | 0 | 1 | 1 | 0 | 0 | 13 (100%) | 1 − 123/169 = 0.2722 |
| high 255901001 | 19 | 17 | 10 | 1 | 3 | 1 | 2 | 0 | 16 (94.12%) | 1 − 115/289 = 0.6021 |
| elementary 255901107 | 28 | 22 | 13 | 2 | 1 | 2 | 3 | 1 | 20 (90.91%) | 1 − 188/484 = 0.6116 |
| DISTRICT | | 51 | 34 | 3 | 4 | 4 | 5 | 1 | 48 | 1 − 1223/2601 = 0.5298 |

The counselor 207283 (Black, not Hispanic) holds 0.5 at the middle and 0.5 at the high school:
counted at each, once in the DISTRICT row; the three central-office staff count in neither.
The sample's students have no race or ethnicity, so the students' side (and the gap) is empty.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exports" / "open_data"))

from release_attack import recoverable_counts, true_counts  # noqa: E402

from exports.open_data.policy import SuppressionPolicy  # noqa: E402
from orchestration.absent_sources import ABSENT_BY_CONFIGURATION  # noqa: E402

GRAND_BEND = Path(__file__).resolve().parents[1] / "fixtures" / "edfi_grand_bend"
ABSENT = "tutoring,survey,planning,assessments"
"""The DISTRICT_ABSENT_SOURCES of the command in ingestion/SOURCES.md."""
SCHOOLS = ("255901001", "255901044", "255901107")
COUNTED_FILES = ("scorecard_measures", "district_measures", "enrollment_by_group")
"""The release's files with a student count (n) per cell."""


@pytest.fixture(scope="module")
def grand_bend_run(tmp_path_factory, full_refresh_runner):
    """The full refresh of Grand Bend, once for the module."""
    return full_refresh_runner(
        tmp_path_factory.mktemp("grand_bend"),
        {
            "DISTRICT_SOURCE_MODE": "",  # the mode follows from SIS_LANDING_DIR
            "SIS_FORMAT": "edfi_xml",
            "SIS_LANDING_DIR": str(GRAND_BEND),
            "HR_FORMAT": "edfi_xml",  # HR_LANDING_DIR defaults to SIS_LANDING_DIR
            "DISTRICT_ABSENT_SOURCES": ABSENT,
            "DISTRICT_FIRST_SCHOOL_YEAR": "2021-22",
            "CURRENT_SCHOOL_YEAR": "2021-22",
        },
    )


def _materialized(result, layer: str) -> dict[str, dict]:
    return {
        event.asset_key.path[-1]: event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == layer
    }


def _release_dir(run) -> Path:
    latest = json.loads((run.outputs_dir / "open_data" / "latest.json").read_text())
    return run.outputs_dir / "open_data" / latest["path"]


def _release_rows(run, name: str) -> list[dict]:
    path = _release_dir(run) / "data" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_grand_bend_publishes_the_bi_database_the_release_and_the_portal(grand_bend_run):
    result, outputs = grand_bend_run.result, grand_bend_run.outputs_dir
    failures = [event.message for event in result.all_events if event.is_failure]
    assert result.success, "\n".join(failures[:5])
    assert {"bi_database", "open_data_release", "open_data_portal"} <= set(
        _materialized(result, "publications")
    )
    assert (outputs / "bi" / "district_bi.duckdb").is_file()
    portal = outputs / "open_data" / "portal"
    assert (portal / "index.html").is_file()
    pages = {path.stem for path in (portal / "schools").glob("*.html")}
    assert pages == {*SCHOOLS, "DISTRICT"}
    directory = _release_rows(grand_bend_run, "school_directory")
    assert [row["school_code"] for row in directory] == list(SCHOOLS)


def test_only_the_sample_s_own_gaps_warn(grand_bend_run):
    """A check that fails on the sample fails for a reason the sample has (fixture README): the
    partial day without a duration, no English learner at the start of the year (every EL
    span starts on 2021-08-30), and staff retention, which needs two school years of staff. A
    mart empty because its source is absent does not warn."""
    failed = {
        (evaluation.asset_key.to_user_string(), evaluation.check_name, evaluation.severity.value)
        for evaluation in (
            event.event_specific_data
            for event in grand_bend_run.result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
        )
        if not evaluation.passed
    }
    assert failed == {
        ("raw/sis__attendance", "load_accounting", "WARN"),
        ("marts/measure_english_learners", "gx_contract_suite", "WARN"),
        ("restricted/fct_student_el_reclassification", "gx_contract_suite", "WARN"),
        ("marts/staff_retention", "gx_contract_suite", "WARN"),
    }


def test_sources_the_sample_lacks_load_empty_by_configuration(grand_bend_run):
    statuses = {
        table: metadata.get("status")
        for table, metadata in _materialized(grand_bend_run.result, "raw").items()
    }
    absent = {t for t, s in statuses.items() if s and s.value == ABSENT_BY_CONFIGURATION}
    # registrations and course grades: absent under Ed-Fi without being declared
    assert {"sis__registrations", "sis__course_grades", "sis__assessments"} <= absent
    loaded = {table for table in statuses if table.startswith("sis__")} - absent
    hr_absent = {"hr__positions", "hr__vacancies", "hr__applications", "hr__application_events"}
    assert hr_absent <= absent  # absent under HR_FORMAT=edfi_xml without being declared
    assert {t for t in statuses if t.startswith("hr__")} - absent == {
        "hr__staff",
        "hr__assignments",
    }
    assert loaded == {
        "sis__schools",
        "sis__students",
        "sis__calendar_days",
        "sis__enrollments",
        "sis__attendance",
        "sis__program_spans",
        "sis__discipline_incidents",
    }
    measures = {
        (row["school_code"], row["measure"]): row["reporting_status"]
        for row in _release_rows(grand_bend_run, "scorecard_measures")
        if row["student_group"] == "ALL"
    }
    for school in SCHOOLS:
        assert measures[school, "AG_COMPLETION"] == "not_reported"  # course grades
        assert measures[school, "ELA_DFS"] == "not_reported"  # assessments
        assert measures[school, "CHRONIC_ABSENCE_STATE"] == "reported"
        assert measures[school, "SUSPENSION_RATE"] == "reported"  # discipline is read
        assert measures[school, "STAFF_SIMPSON_INDEX"] == "reported"  # staff from Ed-Fi
        assert measures[school, "STAFF_RETENTION"] == "not_enough_history"
        # Ed-Fi carries no assignment salary: no salary per pupil, rather than $0
        assert (school, "SALARY_PER_PUPIL") not in measures


def test_chronic_absence_of_grand_bend_students_in_the_published_bi_mart(grand_bend_run):
    """The restricted BI database publishes the warehouse's student-level attendance mart."""
    bi = grand_bend_run.outputs_dir / "bi"
    con = duckdb.connect(str(bi / "district_bi_restricted.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select student_id, school_code, days_enrolled, days_absent::double, "
            "round(attendance_rate, 2), is_chronically_absent_state, is_chronically_absent_lausd "
            "from restricted.fct_student_school_year_attendance "
            "where student_id in ('605023', '605485', '605250', '604822') "
            "and school_code <> 'DISTRICT' order by student_id"
        ).fetchall()
        per_school = con.execute(
            "select school_code, count(*), count(*) filter (where is_chronically_absent_state) "
            "from restricted.fct_student_school_year_attendance "
            "where school_code <> 'DISTRICT' group by 1 order by 1"
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
    assert [(school, n) for school, n, _ in per_school] == [
        ("255901001", 232),
        ("255901044", 241),
        ("255901107", 487),
    ]
    con = duckdb.connect(str(bi / "district_bi.duckdb"), read_only=True)
    try:
        measure = con.execute(
            "select school_code, denominator, numerator::integer "
            "from marts.measure_attendance where measure_code = 'CHRONIC_ABSENCE_STATE' "
            "and student_group = 'ALL' and school_code <> 'DISTRICT' order by 1"
        ).fetchall()
    finally:
        con.close()
    # every student is eligible (169 days enrolled, present at least once)
    assert measure == per_school


def test_no_published_count_is_below_the_minimum_n(grand_bend_run):
    policy = SuppressionPolicy.from_env()
    measures = {row["measure_code"]: row for row in _release_rows(grand_bend_run, "measures")}
    withheld = 0
    for name in COUNTED_FILES:
        for row in _release_rows(grand_bend_run, name):
            if row.get("measure") and measures[row["measure"]]["area"] in policy.exempt_areas:
                continue
            if row["suppressed"] == "true":
                withheld += 1
                assert row["n"] == "" or float(row["n"]) >= policy.min_n, (name, row)
                assert row.get("numerator", "") == "", (name, row)
                assert row.get("value", "") == "" or row["suppression_reason"] in (
                    "top_coded",
                    "bottom_coded",
                ), (name, row)
            elif row["n"]:
                assert float(row["n"]) >= policy.min_n, (name, row)
    # Grand Bend has groups this small (the sample's 30 students of sex "Not Selected" over three
    # schools): suppression ran, and not only on groups of the district
    assert withheld > 0
    enrolment = {
        (row["school_code"], row["student_group"]): row["suppression_reason"]
        for row in _release_rows(grand_bend_run, "enrollment_by_group")
    }
    assert enrolment["255901001", "X"] == policy.primary_reason


def test_every_file_of_the_release_read_at_once_gives_back_no_withheld_count(grand_bend_run):
    """With three schools, a group withheld at one school is one subtraction from the district
    row: the attack of tests/exports/open_data (every file's equations joined) recovers none."""
    found = recoverable_counts(_release_dir(grand_bend_run))
    truth = true_counts(grand_bend_run.warehouse_path)
    assert [(cell, estimate, truth.get(cell)) for cell, estimate in found.items()] == []


def test_staffing_diversity_index_of_the_sample_s_staff(grand_bend_run):
    """The figures of the module docstring's table, from the published BI database; and staff
    FTE per 100 students on the snapshot: high (17 + 1 + 0.5 counselor) 18.5 × 100 / 232 =
    7.9741, middle (15 + 0.5) 15.5 × 100 / 241 = 6.4315, elementary 28 × 100 / 487 = 5.7495."""
    con = duckdb.connect(
        str(grand_bend_run.outputs_dir / "bi" / "district_bi.duckdb"), read_only=True
    )
    try:
        rows = con.execute(
            "select school_code, staff_count, staff_of_colour_count, "
            "round(staff_of_colour_pct, 2), round(staff_simpson_index, 4), student_count, "
            "diversity_gap_points from marts.staffing_diversity_index "
            "where school_year = '2021-22' order by school_code"
        ).fetchall()
        resources = con.execute(
            "select school_code, staff_fte, round(fte_per_100_students, 4), salary_per_pupil "
            "from marts.staff_resources_by_school where school_code <> 'DISTRICT' order by 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("255901001", 17, 16, 94.12, 0.6021, 0, None),
        ("255901044", 13, 13, 100.0, 0.2722, 0, None),
        ("255901107", 22, 20, 90.91, 0.6116, 0, None),
        ("DISTRICT", 51, 48, 94.12, 0.5298, 0, None),
    ]
    assert resources == [
        ("255901001", 18.5, 7.9741, None),
        ("255901044", 15.5, 6.4315, None),
        ("255901107", 28.0, 5.7495, None),
    ]
