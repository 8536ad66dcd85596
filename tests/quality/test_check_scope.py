"""Which raw rows the contract suites validate: every row not yet validated, and no other.

Built on the SIS landing folder of tests/ingestion (history drop + nightly drop).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingestion"))

from ingest_fixture_files import write_text  # noqa: E402
from test_ingest_sis import ATTENDANCE_HEADER, build_landing  # noqa: E402

from ingestion.common.settings import SourceSettings  # noqa: E402
from ingestion.common.warehouse import connect_warehouse  # noqa: E402
from ingestion.sis import load_sis  # noqa: E402
from quality.check_scope import (  # noqa: E402
    create_scope_view,
    drop_scope_views,
    mark_checked,
    scope_for,
)


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    return tmp_path / "sources"


@pytest.fixture
def settings(sources_dir: Path) -> SourceSettings:
    return SourceSettings.from_env({"DISTRICT_SOURCES_DIR": str(sources_dir)})


@pytest.fixture
def con(tmp_path: Path):
    connection = connect_warehouse(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def attendance_scope(con):
    return scope_for(con, "sis", "attendance")


def rows_in_scope(con, scope) -> list[tuple]:
    create_scope_view(con, scope)
    rows = con.execute(
        "select student_id, attendance_date::varchar from quality_scope.sis__attendance "
        "order by all"
    ).fetchall()
    drop_scope_views(con)
    return rows


def land_next_drop(sources_dir: Path) -> None:
    write_text(
        sources_dir / "sis" / "2025-07-03" / "attendance__2024-25.csv",
        ATTENDANCE_HEADER + "S0000003,1930001,2024-09-09,EXC,1\n",
    )


def test_a_table_never_checked_is_checked_whole(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    assert attendance_scope(con).kind == "whole"


def test_after_passing_nothing_is_new_until_rows_arrive(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    mark_checked(con, attendance_scope(con))
    assert attendance_scope(con).kind == "nothing_new"
    load_sis(con, settings)  # unchanged files
    assert attendance_scope(con).kind == "nothing_new"
    land_next_drop(sources_dir)
    load_sis(con, settings)
    scope = attendance_scope(con)
    assert scope.kind == "new_rows"
    assert rows_in_scope(con, scope) == [("S0000003", "2024-09-09")]


def test_rows_that_failed_stay_in_scope_on_later_runs(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    mark_checked(con, attendance_scope(con))
    land_next_drop(sources_dir)
    load_sis(con, settings)
    failed = attendance_scope(con)  # suppose its suite failed: not marked
    assert failed.kind == "new_rows"
    load_sis(con, settings)  # the next night: the same files, nothing reloaded
    again = attendance_scope(con)
    assert again.kind == "new_rows"
    assert rows_in_scope(con, again) == [("S0000003", "2024-09-09")]
    mark_checked(con, again)
    assert attendance_scope(con).kind == "nothing_new"


def test_a_whole_reload_is_checked_whole(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    mark_checked(con, attendance_scope(con))
    load_sis(con, dataclasses.replace(settings, is_incremental=False))
    assert attendance_scope(con).kind == "whole"
