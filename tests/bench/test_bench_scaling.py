"""The scaling series' arithmetic and the generated block in docs/performance.md."""

from __future__ import annotations

from bench.scaling import END_MARK, START_MARK, growth_exponent, scaling_rows, write_into_doc


def test_growth_exponent_is_the_slope_on_log_scales():
    # 4× the rows in 4× the time: linear, k = ln 4 / ln 4 = 1.
    assert growth_exponent(1_000_000, 10.0, 4_000_000, 40.0) == 1.0
    # 2× the rows in 4× the time: quadratic, k = ln 4 / ln 2 = 2.
    assert growth_exponent(1_000_000, 10.0, 2_000_000, 40.0) == 2.0
    # Fixed overhead: 100× the rows in 10× the time, k = ln 10 / ln 100 = 0.5.
    assert growth_exponent(10_000, 3.0, 1_000_000, 30.0) == 0.5
    assert growth_exponent(1_000, 0.0, 2_000, 5.0) is None


def _results(rows: int, full_s: float, ingest_s: float, peak_mb: float) -> dict:
    return {
        "rows": {"sis__attendance": rows},
        "full_refresh_s": full_s,
        "peak_rss_mb": peak_mb,
        "stages": {"ingest": ingest_s},
        "full_refresh": {"is_success": True},
    }


def test_rows_are_ordered_by_size_with_exponents_from_the_size_before():
    rows = scaling_rows(
        {
            "big": _results(4_000_000, 80.0, 40.0, 800.0),
            "small": _results(1_000_000, 20.0, 5.0, 400.0),
        }
    )
    assert [r["profile"] for r in rows] == ["small", "big"]
    # time 20 → 80 s over 4× the rows: k = 1; ingest 5 → 40 s: k = ln 8 / ln 4 = 1.5;
    # memory 400 → 800 MB: k = ln 2 / ln 4 = 0.5.
    assert rows[1]["time_exponent"] == 1.0
    assert rows[1]["stage_exponents"] == {"ingest": 1.5}
    assert rows[1]["memory_exponent"] == 0.5


def test_the_generated_block_is_replaced_and_the_prose_kept(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Title\n\nprose before\n\n{START_MARK}\nold table\n{END_MARK}\n\nafter\n")
    write_into_doc(doc, "new table")
    assert doc.read_text() == (
        f"# Title\n\nprose before\n\n{START_MARK}\nnew table\n{END_MARK}\n\nafter\n"
    )
