"""The warehouse reaches every step through Dagster resources and dbt vars, not the process
environment: loading the definitions writes no environment variable, and the dbt subprocess is
told the warehouse's path, the absent sources and the minimum n on its command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from exports.open_data.policy import DEFAULT_MIN_N, SuppressionPolicy, min_n_setting
from orchestration.dbt.project import DBT_PROJECT_DIR
from orchestration.dbt.refresh_years import dbt_build_args, dbt_build_vars
from orchestration.dbt.resource import with_warehouse_var
from orchestration.definitions import build_definitions
from orchestration.settings import RunSettings


def test_loading_the_definitions_leaves_the_environment_alone(monkeypatch, tmp_path):
    warehouse = tmp_path / "elsewhere" / "district.duckdb"
    monkeypatch.setenv("WAREHOUSE_PATH", str(warehouse))
    settings = RunSettings.from_env()
    monkeypatch.delenv("WAREHOUSE_PATH")
    before = dict(os.environ)
    defs = build_definitions(settings)
    assert dict(os.environ) == before
    resources = defs.resources
    assert resources["warehouse"].path == str(warehouse.resolve())
    assert resources["dbt"].warehouse_path == str(warehouse.resolve())


def test_the_warehouse_path_joins_the_vars_a_command_already_has():
    merged = with_warehouse_var(["build", "--vars", '{"refresh_school_years": ["2025-26"]}'], "/w")
    assert merged[:2] == ["build", "--vars"]
    assert json.loads(merged[2]) == {"refresh_school_years": ["2025-26"], "warehouse_path": "/w"}
    assert with_warehouse_var(["docs", "generate"], "/w") == [
        "docs",
        "generate",
        "--vars",
        '{"warehouse_path": "/w"}',
    ]


def test_the_full_refresh_passes_the_district_settings_as_one_vars_argument():
    args = dbt_build_args([], dbt_build_vars({"DISTRICT_ABSENT_SOURCES": "survey"}))
    assert args.count("--vars") == 1
    assert json.loads(args[args.index("--vars") + 1]) == {
        "absent_sources": ["survey"],
        "min_n_reporting": DEFAULT_MIN_N,
    }


def test_one_minimum_n_for_the_marts_and_the_release(monkeypatch):
    monkeypatch.setenv("OPEN_DATA_MIN_N", "12")
    assert dbt_build_vars()["min_n_reporting"] == 12
    assert SuppressionPolicy.from_env().min_n == 12
    project = yaml.safe_load((Path(DBT_PROJECT_DIR) / "dbt_project.yml").read_text())
    assert project["vars"]["min_n_reporting"] == DEFAULT_MIN_N == SuppressionPolicy().min_n
    with pytest.raises(ValueError, match="OPEN_DATA_MIN_N must be at least 1"):
        min_n_setting({"OPEN_DATA_MIN_N": "0"})
