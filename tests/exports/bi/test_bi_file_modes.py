"""The unsuppressed BI files are for the analysts' group, not for every account on the server."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from exports.bi import publish_marts
from exports.bi.file_modes import analyst_group_id


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_analyst_files_are_0640_in_0750_folders_and_restricted_ones_owner_only(
    warehouse_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("BI_FILES_GROUP", raising=False)
    parquet_dir = tmp_path / "parquet"
    publish_marts(warehouse_path, f"duckdb:///{tmp_path / 'bi.duckdb'}", parquet_dir=parquet_dir)

    assert _mode(tmp_path / "bi.duckdb") == 0o640
    assert _mode(tmp_path / "bi_restricted.duckdb") == 0o600
    assert _mode(parquet_dir / "marts") == 0o750
    assert _mode(parquet_dir / "marts/dim_schools.parquet") == 0o640
    scorecard = parquet_dir / "marts/school_scorecard"
    assert _mode(scorecard) == 0o750
    assert _mode(scorecard / "school_year=2024-25") == 0o750
    assert _mode(scorecard / "school_year=2024-25/data.parquet") == 0o640
    assert _mode(parquet_dir / "restricted") == 0o700
    assert _mode(parquet_dir / "restricted/dim_students.parquet") == 0o600
    # nothing the publication wrote can be read by "other"
    for path in [tmp_path / "bi.duckdb", *parquet_dir.rglob("*")]:
        assert _mode(path) & 0o007 == 0, path


def test_a_kept_file_gets_its_mode_back_on_the_next_publication(
    warehouse_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("BI_FILES_GROUP", raising=False)
    parquet_dir = tmp_path / "parquet"
    target = f"duckdb:///{tmp_path / 'bi.duckdb'}"
    publish_marts(warehouse_path, target, parquet_dir=parquet_dir)
    loosened = parquet_dir / "marts/dim_schools.parquet"
    os.chmod(loosened, 0o644)
    os.chmod(tmp_path / "bi.duckdb", 0o644)
    publish_marts(warehouse_path, target, parquet_dir=parquet_dir)
    assert _mode(loosened) == 0o640
    assert _mode(tmp_path / "bi.duckdb") == 0o640


def test_the_analyst_group_is_the_configured_one(
    warehouse_path: Path, tmp_path: Path, monkeypatch
) -> None:
    group = os.getgid()  # a group this account may give its files to
    monkeypatch.setenv("BI_FILES_GROUP", str(group))
    parquet_dir = tmp_path / "parquet"
    publish_marts(warehouse_path, f"duckdb:///{tmp_path / 'bi.duckdb'}", parquet_dir=parquet_dir)
    assert (tmp_path / "bi.duckdb").stat().st_gid == group
    assert (parquet_dir / "marts/dim_schools.parquet").stat().st_gid == group


def test_an_unknown_group_is_an_error_naming_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("BI_FILES_GROUP", "no-such-group-for-bi-files")
    with pytest.raises(ValueError, match="BI_FILES_GROUP='no-such-group-for-bi-files'"):
        analyst_group_id()
