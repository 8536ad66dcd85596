"""Attendance bands partition the same students: a withheld band must not be n minus the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from open_data_attack import recoverable, recoverable_with_partitions
from open_data_fixture import BAND_MEASURES, YEARS

from exports.open_data import build_release
from exports.open_data.policy import DEFAULT_PARTITION_SETS, SuppressionPolicy

ADVANCED, _, _, _, FAR_BELOW = BAND_MEASURES
ALDER, CEDAR = "1930001", "1930003"


def _bands(release_dir: Path, year: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(release_dir / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("scorecard_measures", "district_measures")
    ]
    frame = pd.concat(frames)
    return frame[(frame.school_year == year) & frame.measure.isin(BAND_MEASURES)]


def _cell(frame: pd.DataFrame, school: str, measure: str, group: str) -> pd.Series:
    match = frame[
        (frame.school_code == school) & (frame.measure == measure) & (frame.student_group == group)
    ]
    assert len(match) == 1, (school, measure, group)
    return match.iloc[0]


def _real_cells(found) -> list:
    """Drop implicit "not in group" cells: the band rows have no yes/no groups, so each of
    those equals its published parent and gives nothing away."""
    return sorted(cell for cell in found if not cell[3].startswith("not_"))


@pytest.fixture(scope="module")
def released_without_partitions(fixture_warehouse, tmp_path_factory):
    """The same warehouse released with the partition rule turned off through the policy."""
    out_dir = tmp_path_factory.mktemp("open_data_no_partitions")
    policy = SuppressionPolicy(min_n=10, partition_sets={})
    return build_release(fixture_warehouse, out_dir, release_version="nobands", policy=policy)


def test_default_policy_protects_the_five_attendance_bands():
    assert SuppressionPolicy().partition_sets == DEFAULT_PARTITION_SETS
    assert set(DEFAULT_PARTITION_SETS["attendance_bands"]) == set(BAND_MEASURES)
    assert SuppressionPolicy.from_env().partition_sets == DEFAULT_PARTITION_SETS


@pytest.mark.parametrize("year", YEARS)
def test_attack_recovers_a_band_when_the_partition_rule_is_off(released_without_partitions, year):
    bands = _bands(released_without_partitions.release_dir, year)
    # Alder F Advanced is bottom coded (1/52 = 1.9%), its four sibling bands are published
    coded = _cell(bands, ALDER, ADVANCED, "F")
    assert (coded.n, coded.numerator, coded.suppression_reason) == ("52", "", "bottom_coded")
    siblings = [float(_cell(bands, ALDER, m, "F").numerator) for m in BAND_MEASURES[1:]]
    assert 52 - sum(siblings) == 1  # 52 - 20 - 15 - 10 - 6: the coded 1 comes straight back
    # Each measure on its own looks safe: the per-measure attack finds nothing ...
    for measure in BAND_MEASURES:
        found_alone = recoverable(bands[bands.measure == measure], "numerator")
        assert [cell for cell in found_alone if not cell[1].startswith("not_")] == []
    # ... but with "bands add up to n" every withheld Advanced numerator falls: Alder F and
    # Cedar F (2/45 = 4.4%) from their partitions, Alder M and Cedar M then from F + M = ALL.
    found = _real_cells(recoverable_with_partitions(bands, DEFAULT_PARTITION_SETS))
    assert found == [
        ("numerator", ADVANCED, ALDER, "F"),
        ("numerator", ADVANCED, ALDER, "M"),
        ("numerator", ADVANCED, CEDAR, "F"),
        ("numerator", ADVANCED, CEDAR, "M"),
    ]


@pytest.mark.parametrize("year", YEARS)
def test_partition_rule_withholds_the_next_smallest_band(released, year):
    bands = _bands(released.release_dir, year)
    assert _cell(bands, ALDER, ADVANCED, "F").suppression_reason == "bottom_coded"
    # F + M = ALL for Advanced would give the coded F back from M, so M goes (group rule)
    assert _cell(bands, ALDER, ADVANCED, "M").suppression_reason == "complementary_group"
    # Alder F bands 1 (coded), 20, 15, 10, 6: the smallest published one is Far Below (6);
    # Alder M 3 (hidden), 18, 12, 9, 6: again Far Below (6). Cedar F 2 (coded), 15, 12, 9, 7
    # and Cedar M 5 (hidden), 16, 11, 8, 5: Far Below (7 and 5).
    for school, group, n in ((ALDER, "F", "52"), (ALDER, "M", "48"), (CEDAR, "F", "45")):
        cell = _cell(bands, school, FAR_BELOW, group)
        assert (cell.n, cell.numerator, cell.value) == (n, "", ""), (school, group)
        assert cell.suppression_reason == "complementary_band"
    assert _cell(bands, CEDAR, FAR_BELOW, "M").suppression_reason == "complementary_band"
    # every band set now has 0 or at least 2 withheld numerators
    withheld = bands[bands.numerator == ""].groupby(["school_code", "student_group"]).size()
    assert set(withheld) == {2}
    assert len(withheld) == 4  # Alder F, Alder M, Cedar F, Cedar M
    # the ALL rows, Birch and Dogwood keep every band
    assert set(bands[bands.student_group == "ALL"].suppressed) == {"false"}


@pytest.mark.parametrize("year", YEARS)
def test_attack_with_partitions_recovers_nothing_after_the_fix(released, year):
    bands = _bands(released.release_dir, year)
    assert (bands.suppressed == "true").sum() == 8  # 2 coded + 2 group + 4 band complements
    assert _real_cells(recoverable_with_partitions(bands, DEFAULT_PARTITION_SETS)) == []


def test_release_documents_the_partition_sets(released, released_without_partitions):
    notes = (released.release_dir / "suppression_notes.md").read_text(encoding="utf-8")
    assert "`complementary_band`" in notes
    assert "ATTENDANCE_BAND_FAR_BELOW_BASIC" in notes
    policy = json.loads((released.release_dir / "release.json").read_text())["policy"]
    assert policy["partition_sets"] == {"attendance_bands": list(BAND_MEASURES)}
    off = json.loads((released_without_partitions.release_dir / "release.json").read_text())
    assert off["policy"]["partition_sets"] == {}


def test_policy_and_min_n_together_are_refused(fixture_warehouse, tmp_path):
    with pytest.raises(ValueError, match="min_n"):
        build_release(fixture_warehouse, tmp_path, min_n=11, policy=SuppressionPolicy())
