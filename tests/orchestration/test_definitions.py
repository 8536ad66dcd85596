"""The code location loads and shows the whole asset graph the README promises."""

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.settings import RunSettings


def _asset_keys(defs):
    return {
        key.to_user_string() for key in defs.get_repository_def().asset_graph.get_all_asset_keys()
    }


def test_definitions_load_with_every_source_and_the_dbt_graph(monkeypatch):
    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    monkeypatch.delenv("DISTRICT_SOURCE_MODE", raising=False)
    defs = build_definitions(RunSettings.from_env())
    keys = _asset_keys(defs)
    for raw in (
        "raw/sis__attendance",
        "raw/hr__staff",
        "raw/tutoring__sessions",
        "raw/survey__responses",
        "raw/planning__school_targets",
    ):
        assert raw in keys
    assert "demo/district_sources" in keys
    assert any(key.startswith("staging/stg_sis__") for key in keys)
    assert any(key.startswith("marts/") for key in keys)
    assert defs.get_job_def("full_refresh") is not None
    nightly = defs.get_schedule_def("nightly_current_year")
    assert (nightly.cron_schedule, nightly.job_name) == ("0 2 * * 1-6", "nightly_current_year")
    weekly = defs.get_schedule_def("weekly_full_refresh")
    assert (weekly.cron_schedule, weekly.job_name) == ("0 2 * * 0", "full_refresh")
    for schedule in (nightly, weekly):
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.mark.parametrize(
    ("env", "zone"),
    [
        ({"DEMO_PROFILE": "tiny"}, "America/New_York"),  # the Lowell profiles are in Massachusetts
        ({"DEMO_PROFILE": "lausd"}, "America/Los_Angeles"),
        ({"DEMO_PROFILE": "tiny", "DISTRICT_TIMEZONE": "America/Chicago"}, "America/Chicago"),
    ],
)
def test_schedules_run_in_the_district_time_zone(monkeypatch, env, zone):
    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    monkeypatch.delenv("DISTRICT_TIMEZONE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    defs = build_definitions(RunSettings.from_env())
    for name in ("nightly_current_year", "weekly_full_refresh"):
        assert defs.get_schedule_def(name).execution_timezone == zone


def test_real_sources_switch_off_the_demo_generator(monkeypatch, tmp_path):
    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tmp_path))
    monkeypatch.delenv("DISTRICT_SOURCE_MODE", raising=False)
    defs = build_definitions(RunSettings.from_env())
    assert "demo/district_sources" not in _asset_keys(defs)


@pytest.mark.parametrize(
    ("env", "is_demo"),
    [
        ({}, True),
        ({"SIS_LANDING_DIR": "/data/edfi"}, False),
        ({"SIS_FORMAT": "edfi_api"}, False),
        ({"SIS_FORMAT": "csv"}, True),
        ({"SIS_LANDING_DIR": "/data/edfi", "DISTRICT_SOURCE_MODE": "demo"}, True),
    ],
)
def test_a_sis_pointed_at_the_district_s_own_files_is_not_the_demo(monkeypatch, env, is_demo):
    """`SIS_FORMAT=edfi_xml SIS_LANDING_DIR=… make run` reads the district's Ed-Fi files, not a
    generated CSV district beside them."""
    for name in ("DISTRICT_SOURCES_DIR", "DISTRICT_SOURCE_MODE", "SIS_LANDING_DIR", "SIS_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert RunSettings.from_env().is_demo is is_demo


def test_every_dbt_source_is_produced_by_an_ingestion_asset(monkeypatch):
    """A dbt source without a loader would leave a hole in the graph between raw and staging."""
    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    defs = build_definitions(RunSettings.from_env())
    graph = defs.get_repository_def().asset_graph
    materializable = {key.to_user_string() for key in graph.materializable_asset_keys}
    external = {key.to_user_string() for key in graph.get_all_asset_keys()} - materializable
    assert external == set()


def test_every_raw_table_and_mart_has_the_freshness_policy_and_no_run_step_checks_it(
    monkeypatch,
):
    from datetime import timedelta

    from ingestion.contracts import ALL_TABLES
    from orchestration.quality.mart_checks import mart_tables
    from orchestration.sources.assets import raw_asset_key

    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    monkeypatch.delenv("FRESHNESS_MAX_AGE_HOURS", raising=False)
    monkeypatch.delenv("FRESHNESS_FAIL_AGE_HOURS", raising=False)
    defs = build_definitions(RunSettings.from_env())
    graph = defs.get_repository_def().asset_graph
    monitored = {raw_asset_key(t.raw_table) for t in ALL_TABLES}
    monitored |= {key for _, _, key in mart_tables()}
    assert {"raw/sis__attendance", "marts/school_scorecard"} <= {
        key.to_user_string() for key in monitored
    }
    for key in graph.get_all_asset_keys():
        policy = graph.get(key).freshness_policy
        if key in monitored:
            assert policy.warn_window.to_timedelta() == timedelta(hours=26), key
            assert policy.fail_window.to_timedelta() == timedelta(hours=50), key
        else:
            assert policy is None, key
    check_names = {check.name for check in graph.asset_check_keys}
    assert not any("freshness" in name for name in check_names)


def test_the_freshness_windows_come_from_the_environment(monkeypatch):
    from datetime import timedelta

    import pytest

    from orchestration.quality.freshness import freshness_policy

    monkeypatch.setenv("FRESHNESS_MAX_AGE_HOURS", "30")
    monkeypatch.setenv("FRESHNESS_FAIL_AGE_HOURS", "72")
    policy = freshness_policy()
    assert policy.warn_window.to_timedelta() == timedelta(hours=30)
    assert policy.fail_window.to_timedelta() == timedelta(hours=72)
    monkeypatch.setenv("FRESHNESS_FAIL_AGE_HOURS", "12")
    with pytest.raises(ValueError, match="FRESHNESS_FAIL_AGE_HOURS"):
        freshness_policy()


def test_dbt_tests_are_asset_checks_on_published_models_only(monkeypatch):
    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    defs = build_definitions(RunSettings.from_env())
    check_keys = defs.get_repository_def().asset_graph.asset_check_keys
    schemas = {key.asset_key.path[0] for key in check_keys}
    assert schemas == {"raw", "marts", "restricted"}
    raw_checks = {key.name for key in check_keys if key.asset_key.path[0] == "raw"}
    assert raw_checks == {"gx_contract_suite", "load_accounting", "sis_drop_age"}
    drop_age = defs.get_repository_def().asset_graph.get_check_spec(
        dg.AssetCheckKey(dg.AssetKey(["raw", "sis__schools"]), "sis_drop_age")
    )
    assert not drop_age.blocking
    scorecard_checks = {
        key.name for key in check_keys if key.asset_key.to_user_string() == "marts/school_scorecard"
    }
    assert "gx_contract_suite" in scorecard_checks
    assert any(name.startswith("unique_combination_of_columns") for name in scorecard_checks)


def test_checks_wait_for_the_other_sources_tables_they_read(monkeypatch):
    """Tutoring's referential rules read raw.sis__students: its checks depend on the SIS load,
    so a failed SIS load skips them instead of running them into a missing table."""
    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    defs = build_definitions(RunSettings.from_env())
    graph = defs.get_repository_def().asset_graph

    def upstream_of(table: str) -> set[str]:
        spec = graph.get_check_spec(
            dg.AssetCheckKey(dg.AssetKey(["raw", table]), "gx_contract_suite")
        )
        return {dep.asset_key.to_user_string() for dep in spec.additional_deps}

    assert upstream_of("tutoring__sessions") == {"raw/sis__students"}
    assert upstream_of("sis__attendance") == set()  # its parents load in the same step


DBT_LAYERS = ("staging", "intermediate", "marts", "restricted", "reference")


def test_the_dbt_assets_are_partitioned_by_school_year_and_nothing_else_is(monkeypatch):
    from orchestration.partitions import school_year_partitions

    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    monkeypatch.delenv("DISTRICT_SOURCE_MODE", raising=False)
    graph = build_definitions(RunSettings.from_env()).resolve_asset_graph()
    partitioned = {
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def is not None
    }
    assert "marts/school_scorecard" in partitioned
    assert "restricted/fct_student_school_year_attendance" in partitioned
    assert all(key.split("/")[0] in DBT_LAYERS for key in partitioned)
    # sources, publications and the docs site stay unpartitioned, downstream of every year
    assert {"raw/sis__attendance", "publications/bi_database", "docs/dbt_docs_site"}.isdisjoint(
        partitioned
    )
    for key in partitioned:
        assert graph.get(dg.AssetKey.from_user_string(key)).partitions_def == (
            school_year_partitions
        )
    dbt_step = graph.get(dg.AssetKey.from_user_string("marts/school_scorecard"))
    assert dbt_step.backfill_policy == dg.BackfillPolicy.single_run()


def test_the_nightly_runs_the_current_year_s_partition_and_the_full_refresh_every_year(
    monkeypatch, tmp_path
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from orchestration.partitions import ALL_YEARS_TAGS, school_year_partitions
    from warehouse.school_year import previous_school_year

    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tmp_path))
    monkeypatch.delenv("DISTRICT_SOURCE_MODE", raising=False)
    monkeypatch.delenv("CURRENT_SCHOOL_YEAR", raising=False)
    monkeypatch.setenv("DISTRICT_TIMEZONE", "America/New_York")
    defs = build_definitions(RunSettings.from_env())
    schedule = defs.get_schedule_def("nightly_current_year")
    last = school_year_partitions.get_partition_keys()[-1]
    night = datetime(int(last[:4]), 12, 8, 2, tzinfo=ZoneInfo("America/New_York"))
    repository = defs.get_repository_def()
    context = dg.build_schedule_context(repository_def=repository, scheduled_execution_time=night)
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == last
    # 1 July 02:00: the night's drop is of 30 June, the year before
    context = dg.build_schedule_context(
        repository_def=repository, scheduled_execution_time=night.replace(month=7, day=1)
    )
    result = schedule.evaluate_tick(context)
    assert [r.partition_key for r in result.run_requests] == [previous_school_year(last)]
    assert defs.resolve_job_def("nightly_current_year").partitions_def == school_year_partitions
    full = defs.resolve_job_def("full_refresh")
    assert ALL_YEARS_TAGS.items() <= full.tags.items()
