"""The counts on each step line `make run` prints (orchestration/launch_summary.py): a table
once however many school years its run covers, and outputs that are not tables as outputs."""

from __future__ import annotations

import io

import dagster as dg

from orchestration.launch_summary import RunFollower, StepProgress

YEARS = dg.StaticPartitionsDefinition(["2024-25", "2025-26", "2026-27"])


@dg.asset(partitions_def=YEARS, backfill_policy=dg.BackfillPolicy.single_run())
def yearly_mart() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 120})


def test_a_run_over_every_year_counts_each_table_and_its_rows_once():
    tags = {
        "dagster/asset_partition_range_start": "2024-25",
        "dagster/asset_partition_range_end": "2026-27",
    }
    with dg.instance_for_test() as instance:
        result = dg.materialize([yearly_mart], instance=instance, tags=tags)
        assert len(result.get_asset_materialization_events()) == 3  # one per school year
        out = io.StringIO()
        follower = RunFollower(instance, result.run_id, verbose=False, out=out)
        for entry in instance.all_logs(result.run_id):
            follower.handle(entry)
    (line,) = [text for text in out.getvalue().splitlines() if "yearly_mart" in text]
    assert line.endswith(", 1 table, 120 rows")


def test_tables_with_row_counts_are_counted_as_tables_and_rows():
    assert StepProgress(assets=6, tables=6, rows=17_178).counts() == ", 6 tables, 17,178 rows"
    assert StepProgress(assets=1, tables=1, rows=1).counts() == ", 1 table, 1 row"


def test_outputs_without_row_counts_are_not_reported_as_empty_tables():
    """A release, a docs site or a portal is an output, not a table of 0 rows."""
    assert StepProgress(assets=2).counts() == ", 2 outputs"
    assert StepProgress(assets=1).counts() == ", 1 output"


def test_a_step_that_materialized_nothing_prints_no_counts():
    assert StepProgress().counts() == ""
