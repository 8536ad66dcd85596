"""A check's result as plain data, for whichever orchestrator reports it.

The workflows in quality/ (raw_workflow.py, mart_workflow.py) yield these; Dagster's wiring
(orchestration/quality/results.py) turns each into an asset check result. The metadata holds
counts and rule names only: a failing rule's example values are student-level, so they never
leave the warehouse, where `store_failure_examples` keeps them in the restricted
check-failures table (quality/check_failures.py) and the metadata names that table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from quality.check_failures import failure_pointer, record_check_failures

SUITE_CHECK = "gx_contract_suite"
"""A table's GX suite (the source contract's rules on a raw table, the measure contract on a
mart)."""


@dataclass(frozen=True)
class CheckResult:
    """One check of one table. `is_blocking` says a failure stops what is downstream (ERROR);
    a failure that is not blocking only warns. `data_docs_path` is the suite's Data Docs page."""

    table: str
    check_name: str
    passed: bool
    is_blocking: bool = False
    metadata: Mapping[str, object] = field(default_factory=dict)
    data_docs_path: Path | None = None


def suite_metadata(outcome) -> dict[str, object]:
    """Counts and rule names of a GX outcome (quality/runner.py), never an example value."""
    failed = [o for o in outcome.outcomes if not o.success]
    return {
        "expectations": len(outcome.outcomes),
        "failed_blocking": len(outcome.blocking_failures),
        "failed_warning": len(outcome.warnings),
        "failures": [
            {
                "rule": o.description,
                "severity": o.severity,
                "unexpected_count": o.unexpected_count,
                "error": o.error,
            }
            for o in failed
        ],
    }


def suite_result(
    table: str, outcome, stored_examples: int, extra: Mapping[str, object] | None = None
) -> CheckResult:
    """The suite check of `table` from its GX outcome and the number of examples stored."""
    return CheckResult(
        table=table,
        check_name=SUITE_CHECK,
        passed=not (outcome.blocking_failures or outcome.warnings),
        is_blocking=bool(outcome.blocking_failures),
        metadata=suite_metadata(outcome) | failure_pointer(stored_examples) | dict(extra or {}),
        data_docs_path=Path(outcome.data_docs_path) if outcome.data_docs_path else None,
    )


def log_failures(table: str, outcome, log_warning: Callable[[str], None]) -> None:
    """One line per failing rule: its severity, description and count, never a value."""
    for failure in outcome.blocking_failures + outcome.warnings:
        log_warning(
            f"{table}: {failure.severity} {failure.description}: "
            f"{failure.unexpected_count} unexpected"
        )


def store_failure_examples(run_id: str, warehouse: Path, outcomes: dict) -> dict[str, int]:
    """Write each table's failing examples to the restricted check-failures table; the number
    stored per checked table."""
    if not any(o.blocking_failures or o.warnings for o in outcomes.values()):
        return dict.fromkeys(outcomes, 0)
    from ingestion.common.warehouse import connect_warehouse
    from quality.runner import history_days_setting

    con = connect_warehouse(warehouse)
    try:
        return {
            table: record_check_failures(
                con, run_id, table, outcome.outcomes, history_days_setting(None)
            )
            for table, outcome in outcomes.items()
        }
    finally:
        con.close()
