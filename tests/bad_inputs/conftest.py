"""Fixtures for the bad-input catalog: a sources folder, a warehouse, and a small valid SIS drop.

Every test here feeds a deliberately broken delivery through the real loaders and checks the
outcome the table in ingestion/SOURCES.md promises ("Bad input: the outcome of each kind").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_files import build_landing

from ingestion.common.settings import SourceSettings
from ingestion.common.warehouse import connect_warehouse


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    path = tmp_path / "sources"
    path.mkdir()
    return path


@pytest.fixture
def settings(sources_dir: Path) -> SourceSettings:
    return SourceSettings.from_env({"DISTRICT_SOURCES_DIR": str(sources_dir)})


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "district.duckdb"


@pytest.fixture
def con(warehouse_path: Path):
    connection = connect_warehouse(warehouse_path)
    yield connection
    connection.close()


@pytest.fixture
def landing(sources_dir: Path) -> Path:
    """A complete, valid drop: 3 students, 3 attendance rows, 1 school, other tables empty."""
    return build_landing(sources_dir)
