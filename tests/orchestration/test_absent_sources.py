"""Sources a district does not have: declared absent, loaded empty, never blocking.

The parsing and the empty-by-design rule are tested on their own; one full refresh of the tiny
district with tutoring, survey, HR, planning and four optional SIS tables declared absent proves
the whole path: the absent tables hold zero rows and say "absent by configuration", the marts
built on them are empty, and the BI database, the open-data release and the portal still publish.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from ingestion.contracts import tables_for
from orchestration.absent_sources import (
    ABSENT_BY_CONFIGURATION,
    AbsentSourcesError,
    absent_raw_tables,
    absent_source_names,
    is_empty_by_design,
)
from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.refresh_years import dbt_build_vars
from quality.suites.marts import rules_for_mart

ABSENT = "tutoring,survey,hr,planning,discipline,registrations,assessments,course_grades"
OPTIONAL_SIS = {
    "sis__discipline_incidents",
    "sis__registrations",
    "sis__assessments",
    "sis__course_grades",
}


def _manifest_text() -> str:
    return district_dbt_project.manifest_path.read_text()


def test_source_names_expand_to_their_tables_and_sis_tables_stand_alone():
    tables = absent_raw_tables(" HR, discipline ,")
    assert tables == {c.raw_table for c in tables_for("hr")} | {"sis__discipline_incidents"}
    assert absent_raw_tables("") == frozenset()


def test_the_dbt_step_passes_the_absent_names_as_the_measure_catalog_names_them():
    assert absent_source_names("Survey, discipline_incidents,hr,course_grades") == (
        "course_grades",
        "discipline",
        "hr",
        "survey",
    )
    env = {"DISTRICT_ABSENT_SOURCES": "tutoring, planning"}
    assert dbt_build_vars(env=env) == {
        "absent_sources": ["planning", "tutoring"],
        "min_n_reporting": 10,
    }
    assert dbt_build_vars(env={}) == {"min_n_reporting": 10}
    with pytest.raises(AbsentSourcesError):
        dbt_build_vars(env={"DISTRICT_ABSENT_SOURCES": "attendance"})


def test_the_sis_tables_ed_fi_does_not_supply_are_absent_without_being_named():
    unread = {"sis__registrations", "sis__course_grades"}
    for sis_format in ("edfi_xml", "edfi_api", " EDFI_XML "):
        assert (
            absent_raw_tables("hr", sis_format) == {c.raw_table for c in tables_for("hr")} | unread
        )
    assert absent_raw_tables("", "csv") == frozenset()
    assert absent_source_names("", "edfi_xml") == ("course_grades", "registrations")
    env = {"DISTRICT_ABSENT_SOURCES": "tutoring", "SIS_FORMAT": "edfi_xml"}
    assert dbt_build_vars(env=env)["absent_sources"] == [
        "course_grades",
        "registrations",
        "tutoring",
    ]


def test_the_hr_tables_ed_fi_staff_do_not_supply_are_absent_without_being_named():
    """Under HR_FORMAT=edfi_xml, staff and assignments load; the rest of HR is absent, and HR
    is not absent as a source (its staff measures are reported)."""
    unread = {"hr__positions", "hr__vacancies", "hr__applications", "hr__application_events"}
    for hr_format in ("edfi_xml", " EDFI_XML "):
        assert absent_raw_tables("", "csv", hr_format) == unread
        assert absent_raw_tables("hr", "csv", hr_format) == {c.raw_table for c in tables_for("hr")}
    assert absent_raw_tables("", "csv", "database") == frozenset()
    assert absent_source_names("", "edfi_xml", "edfi_xml") == ("course_grades", "registrations")
    env = {"SIS_FORMAT": "edfi_xml", "HR_FORMAT": "edfi_xml"}
    assert dbt_build_vars(env=env)["absent_sources"] == ["course_grades", "registrations"]


@pytest.mark.parametrize("name", ["sis", "students", "attendance", "enrollments", "tutor"])
def test_a_table_no_measure_can_do_without_cannot_be_absent(name):
    with pytest.raises(AbsentSourcesError, match=name):
        absent_raw_tables(f"tutoring,{name}")


def test_a_mart_is_empty_by_design_only_when_it_reads_an_absent_table():
    manifest, absent = _manifest_text(), absent_raw_tables("hr,tutoring")
    assert is_empty_by_design(manifest, "marts", "hiring_funnel", absent)
    assert is_empty_by_design(manifest, "marts", "tutoring_participation_monthly", absent)
    # attendance reads the SIS only: empty there still blocks
    assert not is_empty_by_design(manifest, "marts", "measure_attendance", absent)
    assert not is_empty_by_design(manifest, "marts", "hiring_funnel", frozenset())


def test_only_a_mart_that_may_be_empty_loses_its_non_empty_rule():
    descriptions = {r.description for r in rules_for_mart("marts", "m", ["n"])}
    assert "mart is not empty" in descriptions
    relaxed = {r.description for r in rules_for_mart("marts", "m", ["n"], may_be_empty=True)}
    assert relaxed == descriptions - {"mart is not empty"}


@pytest.fixture(scope="module")
def absent_run(tmp_path_factory, full_refresh_runner):
    """The tiny district's full refresh with the sources of a sparse district declared absent."""
    return full_refresh_runner(
        tmp_path_factory.mktemp("absent_sources"), {"DISTRICT_ABSENT_SOURCES": ABSENT}
    )


def test_absent_sources_load_empty_and_the_district_still_publishes(absent_run):
    root, result = absent_run.root, absent_run.result
    failures = [event.message for event in result.all_events if event.is_failure]
    assert result.success, "\n".join(failures[:5])
    absent = absent_raw_tables(ABSENT)
    assert absent >= OPTIONAL_SIS
    statuses = {
        event.asset_key.path[-1]: event.materialization.metadata.get("status")
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "raw"
    }
    assert {t for t, s in statuses.items() if s and s.value == ABSENT_BY_CONFIGURATION} == absent
    con = duckdb.connect(str(root / "warehouse" / "district.duckdb"), read_only=True)
    try:
        for table in absent:
            assert con.execute(f"select count(*) from raw.{table}").fetchone()[0] == 0, table
        assert con.execute("select count(*) from raw.sis__attendance").fetchone()[0] > 0
        for mart in ("hiring_funnel", "tutoring_participation_monthly", "survey_response_rates"):
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == 0, mart
    finally:
        con.close()
    published = {
        event.asset_key.path[-1]
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "publications"
    }
    assert {"bi_database", "open_data_release", "open_data_portal"} <= published
    outputs = root / "outputs"
    assert (outputs / "bi" / "district_bi.duckdb").is_file()
    latest = json.loads((outputs / "open_data" / "latest.json").read_text())
    assert latest
    assert any((outputs / "open_data" / "portal").iterdir())
