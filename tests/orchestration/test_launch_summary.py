"""The counts on each step line `make run` prints (orchestration/launch_summary.py)."""

from __future__ import annotations

from orchestration.launch_summary import StepProgress


def test_tables_with_row_counts_are_counted_as_tables_and_rows():
    assert StepProgress(assets=6, tables=6, rows=17_178).counts() == ", 6 tables, 17,178 rows"
    assert StepProgress(assets=1, tables=1, rows=1).counts() == ", 1 table, 1 row"


def test_outputs_without_row_counts_are_not_reported_as_empty_tables():
    """A release, a docs site or a portal is an output, not a table of 0 rows."""
    assert StepProgress(assets=2).counts() == ", 2 outputs"
    assert StepProgress(assets=1).counts() == ", 1 output"


def test_a_step_that_materialized_nothing_prints_no_counts():
    assert StepProgress().counts() == ""
