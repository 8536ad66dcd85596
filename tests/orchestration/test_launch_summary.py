"""The step line of `make run` counts a table once, however many school years its run covers."""

from __future__ import annotations

import io

import dagster as dg

from orchestration.launch_summary import RunFollower

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
    assert line.endswith(", 1 tables, 120 rows")
