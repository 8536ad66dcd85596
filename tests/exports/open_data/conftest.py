from __future__ import annotations

import pytest
from open_data_fixture import build_warehouse


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def released(fixture_warehouse, tmp_path_factory):
    """One release of the fixture warehouse with the default policy (min_n = 10)."""
    from exports.open_data import build_release

    out_dir = tmp_path_factory.mktemp("open_data")
    return build_release(fixture_warehouse, out_dir, min_n=10, release_version="2025.1")
