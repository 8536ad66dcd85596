"""Shared fixtures: a sources folder in tmp_path, settings pointing at it, and a warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

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
def con(tmp_path: Path):
    connection = connect_warehouse(tmp_path / "warehouse" / "district.duckdb")
    yield connection
    connection.close()
