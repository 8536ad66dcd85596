"""Settings: defaults under the sources root, overrides from the environment."""

from __future__ import annotations

from pathlib import Path

from ingestion.common.settings import REPO_ROOT, SourceSettings
from ingestion.common.warehouse import connect_warehouse


def test_defaults_hang_off_the_repository_and_sources_root():
    settings = SourceSettings.from_env({})
    sources = REPO_ROOT / "data" / "sources"
    assert (REPO_ROOT / "ingestion" / "contracts.py").is_file()
    assert settings.sources_dir == sources
    assert settings.warehouse_path == REPO_ROOT / "data" / "warehouse" / "district.duckdb"
    assert settings.sis_landing_dir == sources / "sis"
    assert settings.hr_database_url == f"sqlite:///{(sources / 'hr' / 'hr.sqlite').as_posix()}"
    assert settings.tutoring_pages_dir == sources / "tutoring"
    assert settings.is_tutoring_live is False
    assert settings.survey_export_dir == sources / "survey"
    assert settings.planning_dir == sources / "planning"


def test_environment_overrides_and_empty_values_fall_back(tmp_path):
    settings = SourceSettings.from_env(
        {
            "DISTRICT_SOURCES_DIR": str(tmp_path),
            "SIS_LANDING_DIR": "/landing/sis",
            "TUTORING_API_URL": "https://vendor.example/api/",
            "PLANNING_DIR": "",
        }
    )
    assert settings.sis_landing_dir == Path("/landing/sis")
    assert settings.survey_export_dir == tmp_path / "survey"
    assert settings.planning_dir == tmp_path / "planning"
    assert settings.tutoring_api_url == "https://vendor.example/api"
    assert settings.is_tutoring_live is True
    assert settings.relative_source_path(tmp_path / "survey" / "x.csv") == "survey/x.csv"
    assert settings.relative_source_path(Path("/landing/sis/a.csv")) == "/landing/sis/a.csv"


def test_connect_warehouse_creates_folder_and_bookkeeping_tables(tmp_path):
    con = connect_warehouse(tmp_path / "new" / "folder" / "w.duckdb")
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' "
        "order by table_name"
    ).fetchall()
    con.close()
    assert tables == [
        ("_collapsed_rows",),
        ("_load_audit",),
        ("_loaded_files",),
        ("_quarantine",),
    ]
