"""A year-scoped SIS file that empties or shrinks its school year fails the load (`volume_drop`).

The valid drop holds 3 attendance rows for 2024-25 (bad_input_files.ATTENDANCE_ROWS); the next
drop re-delivers that year's file. Expected counts are worked out by hand from those 3 rows.
"""

from __future__ import annotations

import pytest
from bad_input_files import ATTENDANCE_HEADER, ATTENDANCE_ROWS, NEXT_DROP, csv_text, write_bytes
from test_bad_sis_files import ATTENDANCE, expect_error, load_good_then

from ingestion.common.settings import SourceSettings
from ingestion.sis import load_sis

YEAR_FILE = "attendance__2024-25.csv"
NEW_YEAR_FILE = f"sis/{NEXT_DROP}/{YEAR_FILE}"


def settings_with(sources_dir, **env) -> SourceSettings:
    return SourceSettings.from_env({"DISTRICT_SOURCES_DIR": str(sources_dir), **env})


def test_header_only_year_file_fails_naming_file_year_and_both_counts(con, settings, landing):
    """A failed export (header, no rows) must not publish a year of zeros: 3 rows → 0."""
    data = (ATTENDANCE_HEADER + "\n").encode()
    before = load_good_then(con, settings, landing, ATTENDANCE, YEAR_FILE, data)
    error = expect_error(con, settings, ATTENDANCE, before, "volume_drop")
    assert error.source_file == NEW_YEAR_FILE
    assert (
        f"{NEW_YEAR_FILE}: school year 2024-25 of sis__attendance would go from 3 rows in the "
        "last good load to 0 (-100%" in str(error)
    )
    assert "LOAD_ALLOW_VOLUME_DROP=2024-25" in str(error)


def test_a_year_the_district_really_deleted_loads_with_the_override(con, sources_dir, landing):
    settings = settings_with(sources_dir, LOAD_ALLOW_VOLUME_DROP="2023-24, 2024-25")
    load_good_then(
        con, settings, landing, ATTENDANCE, YEAR_FILE, (ATTENDANCE_HEADER + "\n").encode()
    )
    [result] = load_sis(con, settings, [ATTENDANCE]).values()
    assert (result.rows_read, result.rows_loaded) == (0, 0)
    assert con.execute("select count(*) from raw.sis__attendance").fetchone() == (0,)


@pytest.mark.parametrize(
    ("kept_rows", "fails"),
    [
        (1, True),  # 3 → 1: -67%, over the 50% limit
        (2, False),  # 3 → 2: -33%, within it
    ],
)
def test_a_year_shrinking_past_the_share_fails(con, sources_dir, landing, kept_rows, fails):
    settings = settings_with(sources_dir, LOAD_VOLUME_MIN_ROWS="3", LOAD_MAX_VOLUME_DROP="0.5")
    data = csv_text(ATTENDANCE_HEADER, ATTENDANCE_ROWS[:kept_rows]).encode()
    before = load_good_then(con, settings, landing, ATTENDANCE, YEAR_FILE, data)
    if fails:
        error = expect_error(con, settings, ATTENDANCE, before, "volume_drop")
        assert "would go from 3 rows in the last good load to 1 (-67%; limit -50%" in str(error)
    else:
        [result] = load_sis(con, settings, [ATTENDANCE]).values()
        assert result.rows_loaded == 2


def test_a_small_year_may_shrink_but_not_empty(con, settings, landing):
    """Below LOAD_VOLUME_MIN_ROWS (default 100) a year may shrink: 3 → 1 loads."""
    data = csv_text(ATTENDANCE_HEADER, ATTENDANCE_ROWS[:1]).encode()
    load_good_then(con, settings, landing, ATTENDANCE, YEAR_FILE, data)
    [result] = load_sis(con, settings, [ATTENDANCE]).values()
    assert result.rows_loaded == 1


def test_a_new_year_next_to_a_kept_one_loads(con, settings, landing):
    """Years only grow here: 2024-25 keeps its 3 rows, 2025-26 arrives with 1."""
    load_sis(con, settings)
    write_bytes(
        landing / NEXT_DROP / "attendance__2025-26.csv",
        csv_text(ATTENDANCE_HEADER, ["S0000001,1930001,2025-09-04,EXC,1"]).encode(),
    )
    [result] = load_sis(con, settings, [ATTENDANCE]).values()
    assert con.execute("select count(*) from raw.sis__attendance").fetchone() == (4,)
    assert result.rows_read in (1, 4)  # 1 with incremental loads (the default), 4 whole
