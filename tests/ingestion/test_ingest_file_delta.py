"""Incremental file loads: only changed files are read, and their earlier rows are replaced.

The landing folder is the one `test_ingest_sis.py` builds: attendance 2023-24 (2 rows) from
the history drop and 2024-25 (3 good rows, 1 quarantined: 2024-09-31 is not a date) from the
nightly drop.
"""

from __future__ import annotations

import dataclasses
import shutil

from ingest_fixture_files import write_text
from test_ingest_sis import ATTENDANCE_HEADER, HISTORY_DROP, NIGHTLY_DROP, build_landing

from ingestion.sis import load_sis

NEXT_DROP = "2025-07-03"


def audit(con, table: str) -> tuple:
    return con.execute(
        "select write_mode, rows_read, rows_loaded, rows_quarantined, table_rows, files "
        "from raw._load_audit where source = 'sis' and table_name = ? "
        "order by loaded_at desc limit 1",
        [table],
    ).fetchone()


def attendance_by_file(con) -> list[tuple]:
    return con.execute(
        "select _source_file, count(*) from raw.sis__attendance group by all order by all"
    ).fetchall()


def quarantined_attendance(con) -> int:
    return con.execute(
        "select count(*) from raw._quarantine where table_name = 'attendance'"
    ).fetchone()[0]


def test_unchanged_files_are_not_read_again(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    assert audit(con, "attendance")[:5] == ("replace", 6, 5, 1, 5)
    results = load_sis(con, settings)
    assert audit(con, "attendance") == ("unchanged", 0, 0, 0, 5, [])
    assert {r.rows_read for r in results.values()} == {0}
    assert quarantined_attendance(con) == 1  # the unchanged file's quarantined row stays
    assert attendance_by_file(con) == [
        (f"sis/{HISTORY_DROP}/attendance__2023-24.csv", 2),
        (f"sis/{NIGHTLY_DROP}/attendance__2024-25.csv", 3),
    ]


def test_a_new_drop_replaces_only_its_school_year(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    write_text(
        sources_dir / "sis" / NEXT_DROP / "attendance__2024-25.csv",
        ATTENDANCE_HEADER
        + "S0000001,1930001,2024-09-05,UNX,1\n"
        + "S0000003,1930001,2024-09-09,EXC,1\n",
    )
    load_sis(con, settings)
    assert audit(con, "attendance") == (
        "files",
        2,
        2,
        0,
        4,
        [f"sis/{NEXT_DROP}/attendance__2024-25.csv"],
    )
    assert attendance_by_file(con) == [
        (f"sis/{HISTORY_DROP}/attendance__2023-24.csv", 2),
        (f"sis/{NEXT_DROP}/attendance__2024-25.csv", 2),
    ]
    # The replaced file's quarantined row went with it.
    assert quarantined_attendance(con) == 0
    assert audit(con, "students")[0] == "unchanged"


def test_a_file_leaving_the_selection_takes_its_rows_with_it(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    shutil.rmtree(sources_dir / "sis" / NIGHTLY_DROP)  # 2024-25 now comes from the history drop
    load_sis(con, settings)
    assert attendance_by_file(con) == [
        (f"sis/{HISTORY_DROP}/attendance__2023-24.csv", 2),
        (f"sis/{HISTORY_DROP}/attendance__2024-25.csv", 1),
    ]
    assert audit(con, "attendance")[:5] == ("files", 1, 1, 0, 3)
    assert audit(con, "students")[:3] == ("files", 1, 1)  # students.csv of the history drop


def test_a_rewritten_file_is_read_again(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    history_file = sources_dir / "sis" / HISTORY_DROP / "attendance__2023-24.csv"
    write_text(history_file, ATTENDANCE_HEADER + "S0000001,1930001,2023-09-07,EXC,1\n")
    load_sis(con, settings)
    assert audit(con, "attendance")[:5] == ("files", 1, 1, 0, 4)
    assert con.execute(
        "select attendance_date::varchar from raw.sis__attendance "
        "where _source_file like '%2023-24%'"
    ).fetchall() == [("2023-09-07",)]


def test_incremental_loads_off_reloads_every_file(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    load_sis(con, dataclasses.replace(settings, is_incremental=False))
    assert audit(con, "attendance")[:5] == ("replace", 6, 5, 1, 5)
    assert quarantined_attendance(con) == 1
