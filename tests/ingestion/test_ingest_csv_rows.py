"""`_source_row` is the true 1-based data row of a CSV file, even under a parallel scan."""

from __future__ import annotations

import duckdb
from ingest_fixture_files import write_text

from ingestion.common.csv_files import csv_header, staged_csv_select


def test_row_numbers_count_records_not_lines(tmp_path):
    path = write_text(
        tmp_path / "notes.csv",
        "id,note\n"
        "r1,plain\n"
        'r2,"two\nlines"\n'
        'r3,"comma, and ""quotes"""\n'
        "r4,\n"
        'r5,"three\nmore\nlines"\n'
        "r6,last\n",
    )
    con = duckdb.connect()
    header = csv_header(con, path)
    rows = con.execute(staged_csv_select(header, path, ["id", "note"], "notes.csv")).fetchall()
    # 6 data rows over 10 physical lines after the header; row n holds id rn
    assert [(r[0], r[3]) for r in rows] == [(f"r{n}", n) for n in range(1, 7)]
    assert rows[1][1] == "two\nlines"
    assert rows[2][1] == 'comma, and "quotes"'
    assert rows[3][1] is None


def test_row_numbers_hold_on_a_file_scanned_in_parallel(tmp_path):
    """A file larger than one 32 MB read buffer, so DuckDB splits it between threads."""
    path = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute("set threads = 4")
    con.execute(
        f"""copy (select i + 1 as expected_row,
                  case when i % 97 = 0 then 'line one' || chr(10) || 'line, two'
                       else repeat('x', 150) end as text_value
           from range(300000) as t(i)) to '{path}' (header)"""
    )
    header = csv_header(con, path)
    select = staged_csv_select(header, path, ["expected_row", "text_value"], "big.csv")
    checked = con.execute(
        f"select count(*), count(*) filter (where expected_row::bigint <> _source_row), "
        f"count(*) filter (where text_value like '%' || chr(10) || '%') from ({select})"
    ).fetchone()
    # every row numbered as written; ceil(300000 / 97) = 3093 rows carry a line break
    assert checked == (300000, 0, 3093)
