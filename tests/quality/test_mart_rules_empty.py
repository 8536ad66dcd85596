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


def test_a_mart_empty_by_design_does_not_warn_for_a_reason_that_is_not_the_cause():
    """Staff retention with HR absent is empty because HR is, not for want of history."""
    warned = {r.description for r in rules_for_mart("marts", "staff_retention", ["n"])}
    assert "mart is not empty (may be: retention needs two school years of staff history)" in warned
    relaxed = rules_for_mart("marts", "staff_retention", ["n"], may_be_empty=True)
    assert not any(r.description.startswith("mart is not empty") for r in relaxed)
