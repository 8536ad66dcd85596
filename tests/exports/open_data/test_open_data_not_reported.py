"""Measures the district does not report: published as such, never as zeros or blanks, and
without changing what the suppression rules withhold.

The fixture warehouse gets, beside its chronic-absence and DFS cells, SEL_FAVORABLE rows the
scorecard marks `not_reported` (the district declares its survey absent) and AG_COMPLETION
rows marked `not_enough_history`: one all-students row per school and the district each year,
with no figure.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from open_data_fixture import SCHOOLS, YEARS, build_warehouse, scorecard_rows

from exports.open_data import build_portal, build_release

UNREPORTED = {"SEL_FAVORABLE": "not_reported", "AG_COMPLETION": "not_enough_history"}


def _unreported_rows() -> list[tuple]:
    return [
        (year, code, SCHOOLS.get(code, "District total"), measure, "percent", "ALL")
        + (None, None, None, status)
        for year in YEARS
        for code in (*SCHOOLS, "DISTRICT")
        for measure, status in UNREPORTED.items()
    ]


def _warehouse(path: Path, with_unreported: bool) -> Path:
    rows = scorecard_rows() + (_unreported_rows() if with_unreported else [])
    build_warehouse(path, scorecard=rows)
    with duckdb.connect(str(path)) as con:
        con.execute("""
            insert into reference.measure_catalog values
                ('SEL_FAVORABLE', 'SEL favorable', 'survey', 'percent', true, 'Favorable',
                    null, null, 'The share of favourable answers.'),
                ('AG_COMPLETION', 'A-G completion', 'postsecondary', 'percent', true, 'A-G',
                    null, null, 'The share of graduates who completed A-G.')
        """)
    return path


def _read(release_dir: Path, dataset: str) -> pd.DataFrame:
    return pd.read_csv(release_dir / "data" / f"{dataset}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    root = tmp_path_factory.mktemp("not_reported")
    with_rows = build_release(
        _warehouse(root / "with.duckdb", True), root / "with", release_version="v1"
    )
    without = build_release(
        _warehouse(root / "without.duckdb", False), root / "without", release_version="v1"
    )
    return with_rows.release_dir, without.release_dir


def test_unreported_measures_are_rows_without_a_figure(releases):
    release_dir, _ = releases
    for dataset in ("scorecard_measures", "district_measures"):
        frame = _read(release_dir, dataset)
        unreported = frame[frame.measure.isin(list(UNREPORTED))]
        assert len(unreported) == len(YEARS) * (4 if dataset == "scorecard_measures" else 1) * 2
        assert (unreported.reporting_status == unreported.measure.map(UNREPORTED)).all()
        for column in ("n", "numerator", "value", "suppression_reason", "status_level"):
            assert (unreported[column] == "").all(), column
        assert (unreported.suppressed == "false").all()
        reported = frame[~frame.measure.isin(list(UNREPORTED))]
        assert (reported.reporting_status == "reported").all()


def test_suppression_withholds_exactly_what_it_withholds_without_them(releases):
    release_dir, baseline_dir = releases
    for dataset in ("scorecard_measures", "district_measures"):
        frame = _read(release_dir, dataset)
        reported = frame[frame.reporting_status == "reported"].reset_index(drop=True)
        pd.testing.assert_frame_equal(reported, _read(baseline_dir, dataset))
    assert (release_dir / "suppression_notes.md").read_text() == (
        baseline_dir / "suppression_notes.md"
    ).read_text()


def test_the_dictionary_says_which_measures_the_district_reports(releases):
    release_dir, _ = releases
    measures = _read(release_dir, "measures")
    reporting = dict(zip(measures.measure_code, measures.district_reporting, strict=True))
    assert reporting.pop("SEL_FAVORABLE") == "not_reported"
    assert reporting.pop("AG_COMPLETION") == "not_enough_history"
    assert set(reporting.values()) == {"reported"}
    dictionary = (release_dir / "data_dictionary.md").read_text()
    sel = next(line for line in dictionary.splitlines() if line.startswith("| SEL_FAVORABLE |"))
    assert sel.endswith("| not reported by the district (it does not collect the data) |")
    chronic = next(
        line for line in dictionary.splitlines() if line.startswith("| CHRONIC_ABSENCE_STATE |")
    )
    assert chronic.endswith("| reported |")
    rows = pd.read_csv(release_dir / "data_dictionary.csv", dtype=str, keep_default_na=False)
    measure_rows = rows[rows.dataset == "measure"].set_index("name")
    assert measure_rows.loc["SEL_FAVORABLE", "district_reporting"] == "not_reported"
    field = rows[(rows.dataset == "scorecard_measures") & (rows.name == "reporting_status")]
    assert len(field) == 1


def test_the_portal_says_not_reported_by_the_district(releases, tmp_path):
    release_dir, _ = releases
    site = build_portal(release_dir, tmp_path / "site").out_dir
    page = (site / "schools" / "1930001.html").read_text(encoding="utf-8")
    start = page.index(">SEL favorable</h3>")
    section = page[start : page.index("</section>", start)]
    assert "Not reported by the district" in section
    assert "no data" not in section and ">0%<" not in section
    start = page.index(">A-G completion</h3>")
    section = page[start : page.index("</section>", start)]
    assert "Not enough history" in section
    district = (site / "schools" / "DISTRICT.html").read_text(encoding="utf-8")
    assert "Not reported by the district" in district
