"""The code location loads and shows the whole asset graph the README promises."""

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
    assert defs.get_schedule_def("nightly_full_refresh").cron_schedule == "0 2 * * *"


def test_real_sources_switch_off_the_demo_generator(monkeypatch, tmp_path):
    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tmp_path))
    monkeypatch.delenv("DISTRICT_SOURCE_MODE", raising=False)
    defs = build_definitions(RunSettings.from_env())
    assert "demo/district_sources" not in _asset_keys(defs)


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

    from orchestration.quality.freshness import monitored_asset_keys

    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    monkeypatch.setenv("FRESHNESS_MAX_AGE_HOURS", "30")
    monkeypatch.delenv("FRESHNESS_FAIL_AGE_HOURS", raising=False)
    defs = build_definitions(RunSettings.from_env())
    graph = defs.get_repository_def().asset_graph
    monitored = monitored_asset_keys()
    assert {"raw/sis__attendance", "marts/school_scorecard"} <= {
        key.to_user_string() for key in monitored
    }
    for key in graph.get_all_asset_keys():
        policy = graph.get(key).freshness_policy
        if key in monitored:
            assert policy.warn_window.to_timedelta() == timedelta(hours=30), key
            assert policy.fail_window.to_timedelta() == timedelta(hours=50), key
        else:
            assert policy is None, key
    check_names = {check.name for check in graph.asset_check_keys}
    assert not any("freshness" in name for name in check_names)
