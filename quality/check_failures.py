"""A failing rule's example rows, kept in the restricted warehouse instead of the event log.

A data engineer needs to see which rows broke a rule, and those rows are student-level (ids,
names, birth dates). Dagster's run storage and UI are readable by everyone who can open the UI,
so the asset check result carries counts, rule names and the name of this table; the examples
themselves go to `raw._check_failures`, in the warehouse's restricted `raw` schema, one row per
example, keyed by the run that found them. Results older than `QUALITY_HISTORY_DAYS` (30 by
default, as the GX validation store) are pruned when new ones are written.
"""

from __future__ import annotations

import json

import duckdb

CHECK_FAILURES_TABLE = "raw._check_failures"
"""Where the example rows of failing rules live; the check metadata names this table."""

_CREATE = f"""
create table if not exists {CHECK_FAILURES_TABLE} (
    checked_at timestamp with time zone not null,
    run_id varchar not null,
    checked_table varchar not null,
    rule varchar not null,
    severity varchar not null,
    unexpected_count bigint,
    example_number integer not null,
    example_json varchar not null
)
"""


def record_check_failures(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    checked_table: str,
    outcomes: list,
    history_days: int = 30,
) -> int:
    """Store the examples of every failed rule of one table's suite; the number stored.

    `outcomes` are `quality.runner.RuleOutcome`s (a failed rule with no example, such as a
    table-level count rule, stores nothing).
    """
    rows = [
        (
            run_id,
            checked_table,
            outcome.description,
            outcome.severity,
            outcome.unexpected_count,
            number,
            json.dumps(example, default=str, sort_keys=True),
        )
        for outcome in outcomes
        if not outcome.success
        for number, example in enumerate(outcome.examples, start=1)
    ]
    con.execute("create schema if not exists raw")
    con.execute(_CREATE)
    con.execute(
        f"delete from {CHECK_FAILURES_TABLE} "
        f"where checked_at < current_timestamp - to_days(cast(? as integer))",
        [history_days],
    )
    if rows:
        con.executemany(
            f"insert into {CHECK_FAILURES_TABLE} values (current_timestamp, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def failure_pointer(recorded: int) -> dict:
    """The check metadata that points a data engineer at the stored examples, by table name."""
    if not recorded:
        return {}
    return {"failure_examples_table": CHECK_FAILURES_TABLE, "failure_examples_stored": recorded}
