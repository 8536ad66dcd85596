"""Planning: the school-targets file."""

from __future__ import annotations

import pytest
from ingest_fixture_files import write_text

from ingestion.planning import PlanningSourceError, load_planning

HEADER = (
    "school_code,goal_code,student_group,baseline_school_year,baseline_value,"
    "target_school_year,target_value,trajectory\n"
)


def test_school_targets_load_typed_with_lineage(con, settings):
    write_text(
        settings.planning_dir / "school_targets.csv",
        HEADER
        + "1930001,ELA_G3_DFS,ALL,2021-22,-12.5,2025-26,0,linear\n"
        + "1930001,CHRONIC_ABSENCE,HI,2021-22,0.22,2025-26,,step-up\n"
        + "1930002,SEL_FAVORABLE,EL,,,2025-26,0.7,delayed\n",
    )
    result = load_planning(con, settings)["planning__school_targets"]

    # 3 read; row 2 has no target_value (required) and is quarantined
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute(
        "select school_code, goal_code, baseline_value, target_value, _source_file, _source_row "
        "from raw.planning__school_targets order by _source_row"
    ).fetchall() == [
        ("1930001", "ELA_G3_DFS", -12.5, 0.0, "planning/school_targets.csv", 1),
        ("1930002", "SEL_FAVORABLE", None, 0.7, "planning/school_targets.csv", 3),
    ]
    assert con.execute("select source_row, rule, column_name from raw._quarantine").fetchall() == [
        (2, "required_missing", "target_value")
    ]


def test_missing_file_is_a_clear_error(con, settings):
    with pytest.raises(PlanningSourceError, match="planning file not found: .*school_targets"):
        load_planning(con, settings)
