"""The raw tables' quality checks as one sequence: what each night's checks of a source do.

For every raw table it is given (the orchestrator leaves out those absent by configuration):
1. decide which rows to validate (quality/check_scope.py): the whole table after a whole load,
   the newly loaded rows after a nightly file or key delta, nothing when no row is new;
2. run the tables' contract suites in one GX checkpoint on those rows, storing any failing
   examples in the restricted check-failures table;
3. check the load itself (quality/load_checks.py): rows read = loaded + quarantined +
   collapsed, the bad-row share and the change in volume; for the SIS, how old its newest drop
   is on the district's today;
4. mark a table whose suite passed and whose load is not blocked as checked through its newest
   load, so the next night validates only what is new.

DuckDB has one writer: the warehouse is opened for the scope, closed while GX validates
through its own connection, and reopened for the load checks and the marks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.common.warehouse import connect_warehouse
from ingestion.contracts import TableContract
from quality.check_results import (
    SUITE_CHECK,
    CheckResult,
    log_failures,
    store_failure_examples,
    suite_result,
)
from quality.check_scope import create_scope_view, drop_scope_views, mark_checked, scope_for
from quality.load_checks import bad_row_share, row_accounting, sis_drop_freshness, volume_change

LOAD_CHECK = "load_accounting"
DROP_AGE_CHECK = "sis_drop_age"
DROP_AGE_TABLE = "sis__schools"
"""The table that carries the SIS drop-age check (every drop has a schools file)."""


@dataclass(frozen=True)
class RawCheckLimits:
    """The thresholds of the load checks: QUALITY_MAX_VOLUME_CHANGE (default 0.5, a share),
    QUALITY_MAX_BAD_ROW_SHARE (0.01) and SIS_MAX_DROP_AGE_DAYS (1)."""

    max_volume_change: float = 0.5
    max_bad_row_share: float = 0.01
    max_drop_age_days: int = 1

    @classmethod
    def from_env(cls) -> RawCheckLimits:
        env = os.environ
        return cls(
            max_volume_change=float(env.get("QUALITY_MAX_VOLUME_CHANGE") or 0.5),
            max_bad_row_share=float(env.get("QUALITY_MAX_BAD_ROW_SHARE") or 0.01),
            max_drop_age_days=int(env.get("SIS_MAX_DROP_AGE_DAYS") or 1),
        )


def run_raw_checks(
    *,
    source: str,
    contracts: Sequence[TableContract],
    warehouse: Path,
    quality_dir: Path,
    run_id: str,
    today: date,
    limits: RawCheckLimits,
    log_warning: Callable[[str], None],
) -> Iterator[CheckResult]:
    """Every check result of the raw tables of `contracts` (one source's), in the order above."""
    present = list(contracts)
    if not present:
        return
    con = connect_warehouse(warehouse)
    try:
        scopes = {c.raw_table: scope_for(con, c.source, c.name) for c in present}
        for scope in scopes.values():
            if scope.kind == "new_rows":
                create_scope_view(con, scope)
    finally:
        con.close()

    passed_suites: set[str] = set()
    yield from _suite_results(
        present, scopes, passed_suites, warehouse, quality_dir, run_id, log_warning
    )

    con = connect_warehouse(warehouse)
    try:
        drop_scope_views(con)
        for contract in present:
            result = _load_check_result(con, source, contract, limits)
            if contract.raw_table in passed_suites and not (
                result.is_blocking and not result.passed
            ):
                mark_checked(con, scopes[contract.raw_table])
            yield result
            if contract.raw_table == DROP_AGE_TABLE:
                yield _drop_age_result(con, today, limits.max_drop_age_days)
    finally:
        con.close()


def _suite_results(
    contracts, scopes, passed_suites: set, warehouse, quality_dir, run_id, log_warning
) -> Iterator[CheckResult]:
    """Each table's contract suite on the rows its scope names: the tables with rows to
    validate go through one GX checkpoint; a table with no blocking failure joins
    `passed_suites`."""
    from quality.runner import close_runner, shared_runner
    from quality.suites.raw import RAW_RULES, rules_for_new_rows

    to_validate = {}
    for contract in contracts:
        scope = scopes[contract.raw_table]
        if scope.kind == "nothing_new":
            passed_suites.add(contract.raw_table)
            yield CheckResult(
                contract.raw_table,
                SUITE_CHECK,
                True,
                metadata={"scope": "nothing new", "checked_through": str(scope.since)},
            )
        elif scope.kind == "new_rows":
            to_validate[contract.raw_table] = rules_for_new_rows(contract.raw_table)
        else:
            to_validate[contract.raw_table] = RAW_RULES[contract.raw_table]
    if not to_validate:
        return
    runner = shared_runner(warehouse, quality_dir)
    try:
        relations = {raw_table: scopes[raw_table].validated_relation for raw_table in to_validate}
        outcomes = runner.validate_relations(
            {relations[raw_table]: rules for raw_table, rules in to_validate.items()}
        )
    finally:
        close_runner(runner)
    stored = store_failure_examples(
        run_id,
        warehouse,
        {f"raw.{raw_table}": outcomes[relation] for raw_table, relation in relations.items()},
    )
    for raw_table, relation in relations.items():
        scope, outcome = scopes[raw_table], outcomes[relation]
        if not outcome.blocking_failures:
            passed_suites.add(raw_table)
        log_failures(f"raw.{raw_table}", outcome, log_warning)
        scope_metadata = {"scope": scope.kind}
        if scope.kind == "new_rows":
            scope_metadata["rows_loaded_after"] = str(scope.since)
        yield suite_result(raw_table, outcome, stored[f"raw.{raw_table}"], scope_metadata)


def _load_check_result(con, source: str, contract, limits: RawCheckLimits) -> CheckResult:
    """Row accounting and the bad-row share (blocking) and volume."""
    checks = [
        row_accounting(con, source, contract.name),
        bad_row_share(con, contract, limits.max_bad_row_share),
        volume_change(con, source, contract.name, limits.max_volume_change),
    ]
    return CheckResult(
        contract.raw_table,
        LOAD_CHECK,
        passed=all(c.passed for c in checks),
        is_blocking=any(not c.passed and c.severity == "ERROR" for c in checks),
        metadata={c.name: c.message for c in checks}
        | {f"{c.name}_passed": c.passed for c in checks},
    )


def _drop_age_result(con, today: date, max_age: int) -> CheckResult:
    """The SIS drop-age rule as its own freshness check, never blocking: a late drop is news,
    not a reason to stop publishing what was loaded."""
    check = sis_drop_freshness(con, today, max_age)
    return CheckResult(
        DROP_AGE_TABLE,
        DROP_AGE_CHECK,
        passed=check.passed,
        metadata={"message": check.message, "district_today": str(today)}
        | {k: str(v) for k, v in check.metadata.items()},
    )
