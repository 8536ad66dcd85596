"""Which marts may come out empty with every input delivered, and which block when empty."""

from quality.suites.marts import rules_for_mart
from quality.suites.raw import ERROR, WARN


def _non_empty_rule(schema, table):
    (rule,) = [r for r in rules_for_mart(schema, table, []) if r.description.startswith("mart is")]
    return rule


def test_a_district_without_english_learners_publishes_with_a_warning():
    assert _non_empty_rule("marts", "measure_english_learners").severity == WARN
    assert _non_empty_rule("restricted", "fct_student_el_reclassification").severity == WARN


def test_an_empty_scorecard_still_blocks():
    assert _non_empty_rule("marts", "school_scorecard").severity == ERROR
