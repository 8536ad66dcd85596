"""The release: suppression that survives an attacker, no identifiers, valid packaging."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from open_data_attack import recoverable
from open_data_fixture import (
    BIRTH_DATES,
    STATE_STUDENT_IDS,
    STUDENT_IDS,
    STUDENT_NAMES,
    YEARS,
    build_warehouse,
    cells_for_year,
    scorecard_rows,
)

from exports.open_data import build_release, verify_checksums
from exports.open_data.datasets import DATASET_NAMES

MEASURE_COLUMNS = [
    "school_year",
    "school_code",
    "school_name",
    "measure",
    "measure_name",
    "unit",
    "higher_is_better",
    "student_group",
    "student_group_name",
    "n",
    "numerator",
    "value",
    "suppressed",
    "suppression_reason",
    "reporting_status",
    "status_level",
    "change_level",
    "color",
    "target_value",
    "target_school_year",
    "is_on_track",
]
DASHBOARD_COLUMNS = MEASURE_COLUMNS[-6:]


def _read(release_dir: Path, dataset: str) -> pd.DataFrame:
    return pd.read_csv(release_dir / "data" / f"{dataset}.csv", dtype=str, keep_default_na=False)


def _measures(release_dir: Path) -> pd.DataFrame:
    return pd.concat(
        [_read(release_dir, "scorecard_measures"), _read(release_dir, "district_measures")]
    )


def _cell(frame: pd.DataFrame, year: str, school: str, measure: str, group: str) -> pd.Series:
    match = frame[
        (frame.school_year == year)
        & (frame.school_code == school)
        & (frame.measure == measure)
        & (frame.student_group == group)
    ]
    assert len(match) == 1, (year, school, measure, group)
    return match.iloc[0]


def _true_n(year: str, school: str, group: str) -> int:
    cells = cells_for_year(year)[school]
    if group.startswith("not_"):
        parent = "AS" if group == "not_FI" else "ALL"
        return cells[parent][0] - cells.get(group[4:], (0, 0))[0]  # no row: nobody in it
    return cells[group][0]


def test_measure_files_have_exactly_the_published_columns(released):
    for dataset in ("scorecard_measures", "district_measures"):
        assert list(_read(released.release_dir, dataset).columns) == MEASURE_COLUMNS
    district = _read(released.release_dir, "district_measures")
    assert set(district.school_code) == {"DISTRICT"}
    assert "DISTRICT" not in set(_read(released.release_dir, "scorecard_measures").school_code)


def test_every_file_names_the_groups_from_the_labels_seed(released):
    """Names as dbt_project/seeds/student_group_labels.csv spells them, beside every code."""
    labels = _read(released.release_dir, "student_groups")
    assert list(labels.columns) == ["code", "name", "dimension", "sort_order"]
    names = dict(zip(labels.code, labels.name, strict=True))
    assert names["HI"] == "Hispanic/Latino" and names["FI"] == "Filipino"
    assert labels.code.iloc[0] == "ALL"
    for dataset in ("scorecard_measures", "district_measures", "enrollment_by_group"):
        frame = _read(released.release_dir, dataset)
        assert (frame.student_group_name == frame.student_group.map(names)).all(), dataset


def test_a_group_without_a_name_stops_the_release(tmp_path):
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("delete from reference.student_group_labels where code = 'FI'")
    con.close()
    with pytest.raises(ValueError, match=r"marts.school_scorecard: student_group codes FI"):
        build_release(warehouse, tmp_path / "out", release_version="v1")
    assert not (tmp_path / "out" / "releases" / "v1").exists()


def test_release_json_says_what_the_data_cover(released):
    """The fixture's 2024-25 is counted through 19 November 2024, before its last day."""
    release = json.loads((released.release_dir / "release.json").read_text())
    assert release["district_name"] == "District total"
    assert release["data_as_of"] == "2024-11-19"
    assert release["school_years"] == {
        "2023-24": {"counted_through": "2024-06-07", "is_year_to_date": False},
        "2024-25": {"counted_through": "2024-11-19", "is_year_to_date": True},
    }


def test_measure_files_say_each_measure_s_name_unit_and_direction(released):
    frame = _measures(released.release_dir)
    absence = _cell(frame, "2024-25", "1930001", "CHRONIC_ABSENCE_STATE", "HI")
    assert (absence.measure_name, absence.unit, absence.higher_is_better) == (
        "Chronic absence (state rule)",
        "percent",
        "false",
    )
    dfs = _cell(frame, "2024-25", "1930001", "ELA_DFS", "ALL")
    assert (dfs.unit, dfs.higher_is_better) == ("points", "true")


def test_dashboard_columns_never_describe_a_withheld_cell(released):
    """Status, target and on-track only on cells published as numbers; change and colour only
    where last year's cell is published too (the fixture gives every chronic-absence cell a
    status, 2024-25 a change and n >= 30 a colour, dashboard_columns)."""
    frame = _measures(released.release_dir)
    published = frame.set_index(["school_year", "school_code", "measure", "student_group"])
    for row in frame.itertuples():
        if row.suppressed == "true":
            assert all(getattr(row, column) == "" for column in DASHBOARD_COLUMNS), row
        if row.color or row.change_level:
            before = published.loc[("2023-24", row.school_code, row.measure, row.student_group)]
            assert before.suppressed == "false", row
    hispanic = _cell(frame, "2024-25", "1930001", "CHRONIC_ABSENCE_STATE", "HI")
    assert (hispanic.status_level, hispanic.change_level, hispanic.color) == (
        "High",
        "Declined",
        "Green",
    )
    alder = _cell(frame, "2024-25", "1930001", "CHRONIC_ABSENCE_STATE", "ALL")
    assert (alder.target_value, alder.target_school_year, alder.is_on_track) == (
        "12.0",
        "2025-26",
        "true",
    )
    # Cedar White (30 students) has a colour in the marts, but its value is bottom coded
    coded = _cell(frame, "2024-25", "1930003", "CHRONIC_ABSENCE_STATE", "WH")
    assert (coded.value, coded.status_level, coded.color) == ("≤5%", "", "")


def test_no_change_level_or_colour_where_last_year_is_withheld(tmp_path):
    """Dogwood's English learners are 8 in 2023-24 (withheld, fewer than 10) and 100 in
    2024-25: this year's value and status are published, but a change level (and the colour
    read off it) would place last year's withheld value in an interval, so both stay empty."""
    rows = [
        (*row[:6], 12.5, 8, 1)
        if row[0] == "2023-24"
        and row[1] == "1930004"
        and row[3] == "CHRONIC_ABSENCE_STATE"
        and row[5] == "EL"
        else row
        for row in scorecard_rows()
    ]
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb", rows)
    result = build_release(warehouse, tmp_path / "out", min_n=10, release_version="v1")
    frame = _measures(result.release_dir)
    before = _cell(frame, "2023-24", "1930004", "CHRONIC_ABSENCE_STATE", "EL")
    assert before.suppression_reason == "primary_n_below_10"
    now = _cell(frame, "2024-25", "1930004", "CHRONIC_ABSENCE_STATE", "EL")
    assert (now.value, now.status_level) == ("10.0", "High")
    assert (now.change_level, now.color) == ("", "")


def test_primary_complementary_and_coding_on_the_hand_built_school(released):
    frame = _measures(released.release_dir)
    year, alder, cedar = "2024-25", "1930001", "1930003"
    asian = _cell(frame, year, alder, "CHRONIC_ABSENCE_STATE", "AS")
    # 3 Asian students < 10: primary suppression, every figure empty
    assert (asian.n, asian.numerator, asian.value) == ("", "", "")
    assert asian.suppression_reason == "primary_n_below_10"
    # 100 - 57 - 40 would give the 3 back, so the next smallest race cell (White, 40) goes too;
    # the enrolment file withholds its White 40 for the same reason, and the release is one
    # problem, so the last pass finds it withheld there first (the same 40 students)
    white = _cell(frame, year, alder, "CHRONIC_ABSENCE_STATE", "WH")
    assert (white.suppressed, white.suppression_reason) == ("true", "same_population")
    assert white.n == ""
    hispanic = _cell(frame, year, alder, "CHRONIC_ABSENCE_STATE", "HI")
    assert (hispanic.n, hispanic.numerator, hispanic.value) == ("57", "12.0", "21.1")  # 12/57
    # SED 96 of 100: the 4 students not SED would be ALL - SED, so SED is withheld (found
    # withheld in the enrolment file first, as White above)
    sed = _cell(frame, year, alder, "CHRONIC_ABSENCE_STATE", "SED")
    assert (sed.n, sed.suppression_reason) == ("", "same_population")
    # Cedar White: 1 of 30 = 3.3% <= 5% with 30 < 100 students: bottom coded, n kept
    coded = _cell(frame, year, cedar, "CHRONIC_ABSENCE_STATE", "WH")
    assert (coded.n, coded.numerator, coded.value) == ("30", "", "≤5%")
    assert coded.suppression_reason == "bottom_coded"
    # 2023-24 uses the complement: 29 of 30 = 96.7% >= 95%: top coded
    coded_top = _cell(frame, "2023-24", cedar, "CHRONIC_ABSENCE_STATE", "WH")
    assert (coded_top.value, coded_top.suppression_reason) == ("≥95%", "top_coded")


def test_workforce_and_tutoring_counts_follow_their_documented_treatment(released):
    frame = _measures(released.release_dir)
    # 4 staff is a staff count, not students: published as is
    staff = _cell(frame, "2024-25", "1930001", "STAFF_SIMPSON_INDEX", "ALL")
    assert (staff.n, staff.value, staff.suppressed) == ("4", "0.5", "false")
    # 7 tutoring sessions with no n: the count itself is below 10, so it is withheld, and the
    # next smallest school (Cedar, 40) too, else DISTRICT 467 - 120 - 40 - 300 gives it back
    birch = _cell(frame, "2024-25", "1930002", "TUTORING_SESSIONS", "ALL")
    cedar = _cell(frame, "2024-25", "1930003", "TUTORING_SESSIONS", "ALL")
    assert (birch.value, birch.suppression_reason) == ("", "primary_n_below_10")
    assert (cedar.value, cedar.suppression_reason) == ("", "complementary_school")


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(
    ("measure", "quantity", "is_mean"),
    [
        ("CHRONIC_ABSENCE_STATE", "n", False),
        ("CHRONIC_ABSENCE_STATE", "numerator", False),
        ("ELA_DFS", "n", True),
        ("ELA_DFS", "numerator", True),
    ],
)
def test_attack_recovers_no_withheld_figure(released, year, measure, quantity, is_mean):
    frame = _measures(released.release_dir)
    published = frame[(frame.school_year == year) & (frame.measure == measure)]
    withheld = published[published.suppressed == "true"]
    assert len(withheld) > 0
    found = recoverable(published, quantity, is_mean)
    leaks = [cell for cell in found if not cell[1].startswith("not_") or _true_n(year, *cell) < 10]
    assert leaks == []


@pytest.mark.parametrize("year", YEARS)
def test_attack_recovers_no_withheld_enrollment(released, year):
    frame = _read(released.release_dir, "enrollment_by_group")
    published = frame[frame.school_year == year]
    assert (published.suppressed == "true").sum() > 0
    found = recoverable(published, "n")
    assert [c for c in found if not c[1].startswith("not_") or _true_n(year, *c) < 10] == []


def test_attack_would_succeed_against_primary_suppression_alone():
    """The attack is real: with only n < 10 blanked, subtraction gives cells back."""
    rows = []
    for school, groups in cells_for_year("2024-25").items():
        for group, (n, numerator) in groups.items():
            is_small = n < 10
            rows.append(
                {
                    "school_code": school,
                    "student_group": group,
                    "n": "" if is_small else str(n),
                    "numerator": "" if is_small else str(numerator),
                }
            )
    found = recoverable(pd.DataFrame(rows), "n")
    # Alder Asian: 100 - 57 (HI) - 40 (WH) = 3
    assert ("1930001", "AS") in found
    # Alder not-SED: 100 - 96 = 4 students
    assert ("1930001", "not_SED") in found


def _identifier_strings() -> list[str]:
    strings = list(STUDENT_IDS) + list(STATE_STUDENT_IDS)
    for first, last in STUDENT_NAMES:
        strings += [first, last]
    for birth in BIRTH_DATES:
        year, month, day = birth.split("-")
        strings += [birth, f"{month}/{day}/{year}", f"{year}{month}{day}"]
    return strings


def test_no_identifier_reaches_any_released_byte(released):
    needles = _identifier_strings()
    files = [p for p in released.release_dir.parent.parent.rglob("*") if p.is_file()]
    assert len(files) >= 15
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            for encoding in ("utf-8", "utf-16-le"):
                assert needle.encode(encoding) not in data, (needle, path)
        if path.suffix == ".parquet":
            # compressed pages could hide a string from the byte scan: decode every value too
            text = duckdb.sql(f"select * from read_parquet('{path}')").df().to_csv()
            for needle in needles:
                assert needle not in text, (needle, path)


def test_datapackage_validates_with_frictionless(released):
    from frictionless import validate

    report = validate(str(released.release_dir / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = json.loads((released.release_dir / "datapackage.json").read_text())
    csv_resources = [r for r in package["resources"] if r.get("schema")]
    assert len(csv_resources) == len(DATASET_NAMES)


def test_datapackage_validation_catches_a_tampered_file(released, tmp_path):
    from frictionless import validate

    copy = tmp_path / "copy"
    shutil.copytree(released.release_dir, copy)
    with (copy / "data" / "enrollment_by_group.csv").open("a", encoding="utf-8") as handle:
        handle.write("2024-25,1930001,Alder Elementary,ZZ,5,false,\n")
    assert not validate(str(copy / "datapackage.json")).valid
    assert verify_checksums(copy) == ["data/enrollment_by_group.csv"]


def test_checksums_verify_and_cover_every_file(released):
    assert verify_checksums(released.release_dir) == []
    listed = {
        line.split("  ", 1)[1]
        for line in (released.release_dir / "SHA256SUMS").read_text().splitlines()
    }
    on_disk = {
        p.relative_to(released.release_dir).as_posix()
        for p in released.release_dir.rglob("*")
        if p.is_file()
    }
    assert on_disk - listed == {"SHA256SUMS"}


def test_dcat_catalog_has_the_required_non_federal_fields(released):
    catalog = json.loads((released.release_dir / "data.json").read_text())
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert len(catalog["dataset"]) == len(DATASET_NAMES)
    for dataset in catalog["dataset"]:
        for key in (
            "title",
            "description",
            "keyword",
            "modified",
            "publisher",
            "contactPoint",
            "identifier",
            "accessLevel",
        ):
            assert dataset[key], key
        formats = {d["format"] for d in dataset["distribution"]}
        assert formats == {"CSV", "PARQUET"}
        base = f"releases/{released.version}/"
        for distribution in dataset["distribution"]:
            url = distribution["downloadURL"]
            assert url.startswith("http") and base in url, url
            assert (released.release_dir / url.split(base, 1)[1]).is_file()


def test_new_release_keeps_the_previous_one_and_moves_latest(fixture_warehouse, tmp_path):
    first = build_release(fixture_warehouse, tmp_path, release_version="v1")
    second = build_release(fixture_warehouse, tmp_path, min_n=11, release_version="v2")
    assert second.previous_version == "v1"
    assert verify_checksums(first.release_dir) == []
    assert json.loads((tmp_path / "latest.json").read_text())["version"] == "v2"
    assert (tmp_path / "releases" / "latest").resolve() == second.release_dir.resolve()
    with pytest.raises(FileExistsError):
        build_release(fixture_warehouse, tmp_path, release_version="v1")
    # min_n = 11 shows in the reason code; no temporary folder is left behind
    reasons = set(_read(second.release_dir, "scorecard_measures").suppression_reason)
    assert "primary_n_below_11" in reasons
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["latest", "v1", "v2"]


def test_a_copied_latest_folder_is_replaced_by_the_link(fixture_warehouse, tmp_path):
    # A copy that follows symlinks (cp -rL, some backup tools) turns `releases/latest` into a
    # real folder holding the files of the release it pointed to.
    first = build_release(fixture_warehouse, tmp_path, release_version="v1")
    latest = tmp_path / "releases" / "latest"
    latest.unlink()
    shutil.copytree(first.release_dir, latest)
    second = build_release(fixture_warehouse, tmp_path, release_version="v2", keep_releases=1)
    assert latest.is_symlink() and latest.resolve() == second.release_dir.resolve()
    assert second.removed_releases == ["v1"]  # the copied folder is not taken for a release
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["latest", "v2"]
    assert verify_checksums(second.release_dir) == []


def test_failed_release_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "broken.duckdb"
    duckdb.connect(str(broken)).close()  # no marts at all
    with pytest.raises(duckdb.CatalogException):
        build_release(broken, tmp_path / "out", release_version="v1")
    assert list((tmp_path / "out" / "releases").iterdir()) == []
    assert not (tmp_path / "out" / "latest.json").exists()


def test_min_n_comes_from_the_environment(fixture_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("OPEN_DATA_MIN_N", "20")
    result = build_release(fixture_warehouse, tmp_path, release_version="env")
    frame = _read(result.release_dir, "enrollment_by_group")
    # Birch Black students: 12 >= 10 but < 20
    birch_black = frame[(frame.school_code == "1930002") & (frame.student_group == "BL")]
    assert set(birch_black.suppression_reason) == {"primary_n_below_20"}


def test_fixture_warehouse_builds_twice_identically(tmp_path):
    a = build_warehouse(tmp_path / "a.duckdb")
    b = build_warehouse(tmp_path / "b.duckdb")
    ra = build_release(a, tmp_path / "ra", release_version="x")
    rb = build_release(b, tmp_path / "rb", release_version="x")
    for dataset in ("scorecard_measures", "enrollment_by_group"):
        assert (ra.release_dir / "data" / f"{dataset}.csv").read_bytes() == (
            rb.release_dir / "data" / f"{dataset}.csv"
        ).read_bytes()
