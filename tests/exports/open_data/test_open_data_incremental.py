"""Releases and portals built on the previous ones equal those built from nothing.

A release copies the school years whose inputs are unchanged from the previous release and
suppresses the others anew; a portal copies the sections whose cells are unchanged from the
previous build. These tests change one school year of the fixture warehouse, build on the
previous publication, and compare with a publication of the same warehouse from nothing; the
attack runs on the incremental release as well. Retention of old releases is tested last.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from open_data_attack import recoverable
from open_data_fixture import (
    YEARS,
    build_warehouse,
    cells_for_year,
    dfs_sum,
    scorecard_rows,
)

from exports.consistency import portal_differences, release_differences
from exports.open_data import build_portal, build_release, portal_pages_job, verify_checksums
from exports.open_data.portal_state import RENDERER_MODULES
from exports.open_data.portal_text import LANGUAGES
from exports.open_data.release import prune_releases
from exports.open_data.reuse import STATE_DIR, STATE_FILE


def _flipped_scorecard(year: str) -> list[tuple]:
    """The fixture scorecard with `year`'s chronic absence numerators replaced by n - numerator
    (every set still adds up, the suppression pattern of values changes)."""
    rows = []
    for row in scorecard_rows():
        row_year, code, name, measure, unit, group, _, n, _ = row
        if row_year == year and measure in ("CHRONIC_ABSENCE_STATE", "ELA_DFS"):
            flipped = n - cells_for_year(year)[code][group][1]
            if measure == "CHRONIC_ABSENCE_STATE":
                row = (row_year, code, name, measure, unit, group, round(100.0 * flipped / n, 1))
                row += (n, flipped)
            else:
                row = (row_year, code, name, measure, unit, group)
                row += (round(dfs_sum(n, flipped) / n, 6), n, None)
        rows.append(row)
    return rows


def _csv(release_dir: Path, dataset: str) -> pd.DataFrame:
    return pd.read_csv(release_dir / "data" / f"{dataset}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def changed_warehouse(tmp_path_factory):
    """The fixture warehouse with 2024-25's chronic absence and ELA figures changed."""
    return build_warehouse(
        tmp_path_factory.mktemp("changed") / "warehouse.duckdb", _flipped_scorecard("2024-25")
    )


@pytest.fixture(scope="module")
def incremental(fixture_warehouse, changed_warehouse, tmp_path_factory):
    """v1 from the fixture warehouse, then v2 from the changed one on top of it."""
    out_dir = tmp_path_factory.mktemp("incremental")
    first = build_release(fixture_warehouse, out_dir, release_version="v1")
    second = build_release(changed_warehouse, out_dir, release_version="v2")
    return out_dir, first, second


@pytest.fixture(scope="module")
def from_nothing(changed_warehouse, tmp_path_factory):
    return build_release(
        changed_warehouse, tmp_path_factory.mktemp("from_nothing"), release_version="v2"
    )


def test_only_the_changed_school_year_is_suppressed_again(incremental):
    _, first, second = incremental
    assert first.years_rebuilt == {"scorecard": list(YEARS), "enrollment": list(YEARS)}
    # the enrolment of the changed year is suppressed again with it: the two datasets are one
    # suppression problem, so a year is reused only where both reuse it
    assert second.years_rebuilt == {"scorecard": ["2024-25"], "enrollment": ["2024-25"]}
    assert second.years_reused == {"scorecard": ["2023-24"], "enrollment": ["2023-24"]}
    assert second.previous_version == "v1"


def test_incremental_release_equals_a_release_from_nothing(incremental, from_nothing):
    _, _, second = incremental
    assert release_differences(second.release_dir, from_nothing.release_dir) == []
    for dataset in ("scorecard_measures", "district_measures", "enrollment_by_group"):
        csv_name = f"data/{dataset}.csv"
        assert (second.release_dir / csv_name).read_bytes() == (
            from_nothing.release_dir / csv_name
        ).read_bytes()
    assert second.row_counts == from_nothing.row_counts
    assert second.reason_counts == from_nothing.reason_counts
    assert verify_checksums(second.release_dir) == []
    # The changed year really changed what is published.
    before = _csv(incremental[1].release_dir, "scorecard_measures")
    after = _csv(second.release_dir, "scorecard_measures")
    assert not before[before.school_year == "2024-25"].equals(
        after[after.school_year == "2024-25"].reset_index(drop=True)
    )


@pytest.mark.parametrize(
    ("measure", "quantity", "is_mean"),
    [
        ("CHRONIC_ABSENCE_STATE", "n", False),
        ("CHRONIC_ABSENCE_STATE", "numerator", False),
        ("ELA_DFS", "numerator", True),
    ],
)
def test_attack_recovers_nothing_from_the_incremental_release(
    incremental, measure, quantity, is_mean
):
    release_dir = incremental[2].release_dir
    frame = pd.concat(
        [_csv(release_dir, "scorecard_measures"), _csv(release_dir, "district_measures")]
    )
    for year in YEARS:
        published = frame[(frame.school_year == year) & (frame.measure == measure)]
        assert (published.suppressed == "true").sum() > 0
        found = recoverable(published, quantity, is_mean)
        cells = cells_for_year(year)
        leaks = [
            cell
            for cell in found
            if not cell[1].startswith("not_")
            or cells[cell[0]]["AS" if cell[1] == "not_FI" else "ALL"][0]
            - cells[cell[0]].get(cell[1][4:], (0, 0))[0]
            < 10
        ]
        assert leaks == []


def test_unchanged_inputs_reuse_every_year_and_link_the_files(fixture_warehouse, tmp_path):
    first = build_release(fixture_warehouse, tmp_path, release_version="a")
    second = build_release(fixture_warehouse, tmp_path, release_version="b")
    assert second.years_rebuilt == {"scorecard": [], "enrollment": []}
    for dataset in ("scorecard_measures", "enrollment_by_group"):
        for suffix in ("csv", "parquet"):
            name = f"data/{dataset}.{suffix}"
            assert os.path.samefile(first.release_dir / name, second.release_dir / name)
    assert verify_checksums(second.release_dir) == []
    state_path = tmp_path / STATE_DIR / STATE_FILE
    assert oct(state_path.stat().st_mode & 0o777) == "0o600"
    assert json.loads(state_path.read_text())["release_version"] == "b"


def test_a_changed_policy_or_an_edited_previous_release_rebuilds_every_year(
    fixture_warehouse, tmp_path
):
    build_release(fixture_warehouse, tmp_path, release_version="p1")
    stricter = build_release(fixture_warehouse, tmp_path, min_n=11, release_version="p2")
    assert stricter.years_rebuilt["scorecard"] == list(YEARS)
    # Someone edits the latest release: nothing of it is trusted any more.
    edited = stricter.release_dir / "data" / "scorecard_measures.csv"
    os.chmod(edited, 0o644)
    edited.write_bytes(edited.read_bytes() + b"\n")
    again = build_release(fixture_warehouse, tmp_path, min_n=11, release_version="p3")
    assert again.years_rebuilt["scorecard"] == list(YEARS)
    reference = build_release(
        fixture_warehouse, tmp_path / "reference", min_n=11, release_version="p3"
    )
    assert release_differences(again.release_dir, reference.release_dir) == []


def _with_sel_measures(path: Path, sel_favorable_as_n: dict[str, int]) -> Path:
    """Add a survey measure and its year-over-year growth: SEL_FAVORABLE_GROWTH follows the
    SEL_FAVORABLE cell of the same and of the previous school year (a link across years)."""
    with duckdb.connect(str(path)) as con:
        con.execute("""
            insert into reference.measure_catalog values
                ('SEL_FAVORABLE', 'SEL favorable', 'survey', 'percent', true, 'Favorable',
                    null, null, 'Favorable'),
                ('SEL_FAVORABLE_GROWTH', 'SEL growth', 'survey', 'percent_change', true,
                    'Growth', null, null, 'Growth')
        """)
        rows = []
        for year in YEARS:
            for code in ("1930001", "1930002", "1930003", "1930004", "DISTRICT"):
                name = "District total" if code == "DISTRICT" else code
                groups = {"ALL": 60, "AS": sel_favorable_as_n[year] if code == "1930002" else 20}
                for group, n in groups.items():
                    rows.append(
                        (year, code, name, "SEL_FAVORABLE", "percent", group, 50.0, n, n / 2)
                    )
                    rows.append(
                        (year, code, name, "SEL_FAVORABLE_GROWTH", "percent_change", group, 3.0, n)
                        + (None,)
                    )
        con.executemany(
            "insert into marts.school_scorecard values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'SEL', 'S0000123', 'Green', "
            "null, null, null, null, null, null, 'reported')",
            rows,
        )
    return path


def test_a_year_rebuilt_after_a_reused_year_follows_its_linked_base_cells(tmp_path):
    # Birch's Asian students: 8 in 2023-24 (withheld), 15 in 2024-25 (published). The 2024-25
    # growth cell compares with 2023-24, so it is withheld too, as a linked measure.
    counts = {"2023-24": 8, "2024-25": 15}
    first_warehouse = _with_sel_measures(build_warehouse(tmp_path / "a.duckdb"), counts)
    build_release(first_warehouse, tmp_path / "out", release_version="s1")
    changed = _with_sel_measures(
        build_warehouse(tmp_path / "b.duckdb", _flipped_scorecard("2024-25")), counts
    )
    second = build_release(changed, tmp_path / "out", release_version="s2")
    assert second.years_rebuilt["scorecard"] == ["2024-25"]
    reference = build_release(changed, tmp_path / "reference", release_version="s2")
    assert release_differences(second.release_dir, reference.release_dir) == []
    frame = _csv(second.release_dir, "scorecard_measures")
    growth = frame[
        (frame.school_year == "2024-25")
        & (frame.school_code == "1930002")
        & (frame.measure == "SEL_FAVORABLE_GROWTH")
        & (frame.student_group == "AS")
    ].iloc[0]
    assert (growth.value, growth.suppression_reason) == ("", "linked_measure")

    # A change to 2023-24 alone rebuilds 2024-25 as well: its growth cells follow 2023-24.
    earlier = _with_sel_measures(
        build_warehouse(tmp_path / "c.duckdb", _flipped_scorecard("2023-24")), counts
    )
    third = build_release(earlier, tmp_path / "out", release_version="s3")
    assert third.years_rebuilt["scorecard"] == ["2023-24", "2024-25"]


def test_incremental_portal_equals_a_portal_from_nothing(incremental, from_nothing, tmp_path):
    out_dir, first, second = incremental
    site = tmp_path / "site"
    built_first = build_portal(first.release_dir, site)
    assert built_first.sections_reused == 0
    built = build_portal(second.release_dir, site)
    assert built.sections_rendered > 0 and built.sections_reused > 0
    reference = build_portal(from_nothing.release_dir, tmp_path / "reference_site")
    assert portal_differences(site, tmp_path / "reference_site") == []
    assert built.school_pages == reference.school_pages
    # The downloads are the release's own files.
    assert os.path.samefile(
        site / "downloads" / "data" / "scorecard_measures.csv",
        second.release_dir / "data" / "scorecard_measures.csv",
    )

    again = build_portal(second.release_dir, site)
    # Every page of every language is linked from the previous build.
    assert (again.pages_reused, again.sections_rendered) == (
        again.school_pages * len(LANGUAGES),
        0,
    )
    assert portal_differences(site, tmp_path / "reference_site") == []


def test_a_portal_drawn_by_two_processes_is_the_same(incremental, tmp_path, monkeypatch):
    release_dir = incremental[2].release_dir
    one = build_portal(release_dir, tmp_path / "one", processes=1)
    monkeypatch.setattr(portal_pages_job, "_MIN_ROWS_TO_SPLIT", 1)
    two = build_portal(release_dir, tmp_path / "two", processes=2)
    assert portal_differences(tmp_path / "one", tmp_path / "two") == []
    assert (tmp_path / "one" / ".portal_state.json").read_bytes() == (
        tmp_path / "two" / ".portal_state.json"
    ).read_bytes()
    assert (one.pages_rendered, one.sections_rendered) == (
        two.pages_rendered,
        two.sections_rendered,
    )
    # The other release on top, in two processes: unchanged sections are copied.
    again = build_portal(incremental[1].release_dir, tmp_path / "two", processes=2)
    reference = build_portal(incremental[1].release_dir, tmp_path / "reference", processes=1)
    assert again.sections_reused > 0
    assert portal_differences(tmp_path / "two", tmp_path / "reference") == []
    assert reference.school_pages == again.school_pages


# Modules the portal imports that decide nothing a report card holds: the release's rules and
# codes reach the pages through the cells, file modes are no content, and the dataset titles
# are shown on the home pages only, which every build writes anew.
_NOT_RENDERER = {"policy", "public_modes", "metadata"}


def _package_imports(module: str) -> set[str]:
    """The modules of exports.open_data that `module` of that package imports, directly or
    through others of the package."""
    package = Path(portal_pages_job.__file__).parent
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "exports.open_data":
                todo += [
                    alias.name for alias in node.names if (package / f"{alias.name}.py").exists()
                ]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "exports.open_data."
            ):
                todo.append(node.module.removeprefix("exports.open_data."))
    return seen


def test_the_renderer_digest_reads_every_module_that_draws_the_pages():
    """A change to any module the portal is built by redraws every page: none of them is left
    out of the renderer's code."""
    drawing = _package_imports("portal") - _NOT_RENDERER
    assert "portal_pages_job" in drawing and "svg_charts" in drawing
    assert sorted(drawing - set(RENDERER_MODULES)) == []


def test_a_portal_whose_pages_were_edited_is_drawn_again(incremental, tmp_path):
    release_dir = incremental[2].release_dir
    site = tmp_path / "site"
    build_portal(release_dir, site)
    page = site / "schools" / "1930001.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    rebuilt = build_portal(release_dir, site)
    assert rebuilt.pages_rendered == 1
    reference = tmp_path / "reference"
    build_portal(release_dir, reference)
    assert portal_differences(site, reference) == []


def _release_dirs(out_dir: Path) -> list[str]:
    return sorted(
        p.name for p in (out_dir / "releases").iterdir() if not p.is_symlink() and p.is_dir()
    )


def test_only_the_newest_releases_are_kept(fixture_warehouse, tmp_path):
    for version in ("r1", "r2", "r3"):
        result = build_release(
            fixture_warehouse, tmp_path, release_version=version, keep_releases=2
        )
    assert result.removed_releases == ["r1"]
    assert _release_dirs(tmp_path) == ["r2", "r3"]
    assert (tmp_path / "releases" / "latest").resolve().name == "r3"
    # Files shared with the removed release (hard links) are intact.
    assert verify_checksums(tmp_path / "releases" / "r3") == []
    # 0 keeps every release.
    build_release(fixture_warehouse, tmp_path, release_version="r4", keep_releases=0)
    assert _release_dirs(tmp_path) == ["r2", "r3", "r4"]


def test_retention_comes_from_the_environment_and_never_removes_the_latest(
    fixture_warehouse, tmp_path, monkeypatch
):
    build_release(fixture_warehouse, tmp_path, release_version="old")
    # A release whose clock ran ahead: ordered by creation time, it looks newest.
    future = tmp_path / "releases" / "old" / "release.json"
    document = json.loads(future.read_text())
    document["created_at"] = "2999-01-01T00:00:00+00:00"
    os.chmod(future, 0o644)
    future.write_text(json.dumps(document))
    monkeypatch.setenv("OPEN_DATA_KEEP_RELEASES", "1")
    result = build_release(fixture_warehouse, tmp_path, release_version="new")
    assert result.removed_releases == []
    assert _release_dirs(tmp_path) == ["new", "old"]
    assert prune_releases(tmp_path, 1) == []  # "old" is newest by time, "new" is the latest
    monkeypatch.setenv("OPEN_DATA_KEEP_RELEASES", "-1")
    with pytest.raises(ValueError, match="OPEN_DATA_KEEP_RELEASES"):
        build_release(fixture_warehouse, tmp_path, release_version="bad")
