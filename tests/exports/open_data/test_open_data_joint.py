"""One suppression problem over the whole release: datasets combined, and staff breakdowns."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from open_data_attack import recoverable
from open_data_fixture import build_warehouse
from release_attack import combined_only_recoveries, read_release, true_counts

from exports.open_data import build_release
from exports.open_data.policy import STAFF_BREAKDOWN_MEASURES


@pytest.fixture(scope="module")
def tiny_release(tiny_pipeline_run):
    return tiny_pipeline_run.outputs_dir / "open_data" / "releases" / "latest"


def test_combining_every_file_of_the_tiny_release_recovers_no_withheld_count(
    tiny_pipeline_run, tiny_release
):
    """Enrolment, scorecard and district files read together, across years, with every measure
    whose n matches the enrolment (within one) taken as the same students: the joined equations
    give back no withheld count that one table alone does not."""
    truth = true_counts(tiny_pipeline_run.warehouse_path)
    assert combined_only_recoveries(tiny_release, truth) == []


def test_no_file_publishes_a_count_within_one_of_a_withheld_enrolment(
    tiny_pipeline_run, tiny_release
):
    files = read_release(tiny_release)
    enrolment = files["enrollment_by_group"]
    measures = pd.concat([files["scorecard_measures"], files["district_measures"]])
    keys = ["school_year", "school_code", "student_group"]
    withheld = enrolment[enrolment.n == ""][keys]
    with duckdb.connect(str(tiny_pipeline_run.warehouse_path), read_only=True) as con:
        true_counts = con.execute(
            "select cast(school_year as varchar) as school_year, "
            "cast(school_code as varchar) as school_code, "
            "cast(student_group as varchar) as student_group, "
            "census_day_enrollment as true_n from marts.enrollment_by_group"
        ).df()
    places = withheld.merge(true_counts, on=keys).merge(measures, on=keys)
    # a staff breakdown's n is the school's staff total, not students: equal only by chance
    published = places[(places.n != "") & ~places.measure.isin(STAFF_BREAKDOWN_MEASURES)]
    assert len(withheld) > 0
    close = published[(published.n.astype(float) - published.true_n).abs() <= 1]
    assert close[keys + ["measure"]].values.tolist() == []


def _staff_warehouse(tmp_path):
    """The fixture warehouse plus a staff race breakdown worked out by hand.

    Ash (1930001) has eight staff: Hispanic 4, White 3, Asian 1. Elm (1930004) has thirty:
    Hispanic 14, White 12, Black 4. The district: 38, Hispanic 18, White 15, Black 4, Asian 1.
    """
    path = build_warehouse(tmp_path / "staff.duckdb")
    breakdown = {
        "1930001": {"HI": 4, "WH": 3, "AS": 1},
        "1930004": {"HI": 14, "WH": 12, "BL": 4},
        "DISTRICT": {"HI": 18, "WH": 15, "BL": 4, "AS": 1},
    }
    con = duckdb.connect(str(path))
    con.execute(
        "insert into reference.measure_catalog values ('STAFF_REPRESENTATION_RATIO', "
        "'Staff representation ratio', 'workforce', 'ratio', true, 'staff share / student "
        "share', null, null, 'The group''s share of staff over its share of students.')"
    )
    for code, groups in breakdown.items():
        total = sum(groups.values())
        for group, staff in groups.items():
            con.execute(
                "insert into marts.school_scorecard (school_year, school_code, school_name, "
                "measure_code, unit, student_group, value, n, numerator, measure_name, "
                "reporting_status) "
                "select '2024-25', ?, any_value(school_name), 'STAFF_REPRESENTATION_RATIO', "
                "'ratio', ?, 1.0, ?, ?, 'Staff representation ratio', 'reported' "
                "from marts.school_scorecard where school_code = ?",
                [code, group, total, float(staff), code],
            )
    con.close()
    return path, breakdown


def test_an_eight_person_staff_race_breakdown_is_withheld_and_cannot_be_rebuilt(tmp_path):
    warehouse, breakdown = _staff_warehouse(tmp_path)
    result = build_release(warehouse, tmp_path / "out", min_n=10, release_version="staff")
    files = read_release(result.release_dir)
    measures = pd.concat([files["scorecard_measures"], files["district_measures"]])
    staff = measures[
        (measures.measure == "STAFF_REPRESENTATION_RATIO") & (measures.school_year == "2024-25")
    ]
    ash = staff[staff.school_code == "1930001"]
    # every group of eight staff is below 10: no count, no ratio
    assert set(ash.student_group) == {"HI", "WH", "AS"}
    assert (ash.numerator == "").all() and (ash.value == "").all()
    assert set(ash.suppression_reason) == {"primary_n_below_10"}
    # Elm: Black 4 is below 10; White 12 (the next smallest) is withheld so that 30 - 14 - 12
    # cannot give it back; Hispanic 14 is withheld so that district 18 - 14 cannot give Ash's
    # Hispanic 4 back
    elm = staff[staff.school_code == "1930004"].set_index("student_group")
    assert elm.loc["BL", "suppression_reason"] == "primary_n_below_10"
    assert (elm.numerator == "").all()
    # the summary of Ash's breakdown is withheld with it
    simpson = measures[
        (measures.measure == "STAFF_SIMPSON_INDEX")
        & (measures.school_year == "2024-25")
        & (measures.school_code == "1930001")
    ]
    assert (simpson.value == "").all()
    # the attacker: staff counts as cells, each school's staff total (published as n of the
    # Simpson index and of the breakdown rows) as the ALL cell they add up to
    totals = pd.DataFrame(
        [(code, str(sum(groups.values()))) for code, groups in breakdown.items()],
        columns=["school_code", "n"],
    )
    cells = pd.concat(
        [
            staff[["school_code", "student_group", "numerator"]].rename(columns={"numerator": "n"}),
            totals.assign(student_group="ALL"),
        ]
    )
    assert [cell for cell in recoverable(cells, "n") if not cell[1].startswith("not_")] == []
    # and the whole release combined gives back no withheld count beyond a table alone
    assert combined_only_recoveries(result.release_dir, true_counts(warehouse)) == []
