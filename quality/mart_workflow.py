"""The marts' quality checks: every mart's GX suite (measure contract, privacy, non-empty) in
one checkpoint, the gate the publications wait behind.

A mart built only on tables absent by configuration is empty by design: its non-empty rule is
left out (`may_be_empty`), every other rule still runs. A mart empty while its inputs were
present still fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from quality.check_results import CheckResult, log_failures, store_failure_examples, suite_result
from warehouse.connection import connect


def mart_columns(warehouse: Path) -> dict[tuple[str, str], list[str]]:
    """Every relation's columns in order, read from the warehouse's catalog."""
    con = connect(warehouse, read_only=True)
    try:
        columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall():
            columns.setdefault((schema, table), []).append(column)
        return columns
    finally:
        con.close()


def run_mart_checks(
    *,
    tables: Sequence[tuple[str, str]],
    may_be_empty: Callable[[str, str], bool],
    warehouse: Path,
    quality_dir: Path,
    run_id: str,
    log_warning: Callable[[str], None],
) -> Iterator[CheckResult]:
    """One suite result per `(schema, table)` of `tables`, named `schema.table`."""
    from quality.runner import close_runner, shared_runner
    from quality.suites.marts import rules_for_mart

    columns = mart_columns(warehouse)
    runner = shared_runner(warehouse, quality_dir)
    try:
        outcomes = runner.validate_relations(
            {
                (schema, table): rules_for_mart(
                    schema,
                    table,
                    columns.get((schema, table), []),
                    may_be_empty=may_be_empty(schema, table),
                )
                for schema, table in tables
            }
        )
    finally:
        close_runner(runner)
    named = {f"{schema}.{table}": outcomes[(schema, table)] for schema, table in tables}
    stored = store_failure_examples(run_id, warehouse, named)
    for name, outcome in named.items():
        log_failures(name, outcome, log_warning)
        yield suite_result(name, outcome, stored[name])
