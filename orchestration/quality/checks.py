"""Quality gates as Dagster asset checks: one GX suite per raw table, plus load accounting.

ERROR-severity failures are blocking: Dagster skips everything downstream of the checked table
in the same run, so a broken nightly file never reaches the marts or the publications, and the
last good publication stays live. WARN failures annotate the run.

Each suite validates only the rows not yet validated (`quality/check_scope.py`): the whole
table after a whole load, the newly loaded rows after a nightly file or key delta, nothing when
no row is new. A table whose checks pass is marked checked through its newest load.
"""

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg

from ingestion.contracts import FOREIGN_KEYS, tables_for
from orchestration.absent_sources import ABSENT_BY_CONFIGURATION, absent_raw_tables
from orchestration.settings import RunSettings
from orchestration.sources.assets import raw_asset_key
from quality.check_failures import failure_pointer

SUITE_CHECK = "gx_contract_suite"
LOAD_CHECK = "load_accounting"
DROP_AGE_CHECK = "sis_drop_age"
DROP_AGE_TABLE = "sis__schools"


def _severity(failed_blocking: bool) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if failed_blocking else dg.AssetCheckSeverity.WARN


def _data_docs_link(outcome) -> dict:
    """The suite's Data Docs page as a link the Dagster UI opens, when the runner wrote one."""
    if outcome.data_docs_path is None:
        return {}
    return {"data_docs": dg.MetadataValue.url(Path(outcome.data_docs_path).resolve().as_uri())}


def _outcome_metadata(outcome) -> dict:
    """Counts and rule names only: a failing rule's example values are student-level, so they
    never enter the event log (the rows themselves stay in the restricted warehouse)."""
    failed = [o for o in outcome.outcomes if not o.success]
    return {
        "expectations": len(outcome.outcomes),
        "failed_blocking": len(outcome.blocking_failures),
        "failed_warning": len(outcome.warnings),
        "failures": dg.MetadataValue.json(
            [
                {
                    "rule": o.description,
                    "severity": o.severity,
                    "unexpected_count": o.unexpected_count,
                    "error": o.error,
                }
                for o in failed
            ]
        ),
    } | _data_docs_link(outcome)


def store_failure_examples(run_id: str, warehouse: Path, outcomes: dict) -> dict[str, int]:
    """Write each table's failing examples to the restricted check-failures table
    (quality/check_failures.py); the number stored per checked table."""
    if not any(o.blocking_failures or o.warnings for o in outcomes.values()):
        return dict.fromkeys(outcomes, 0)
    from ingestion.common.warehouse import connect_warehouse
    from quality.check_failures import record_check_failures
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


def parents_in_other_sources(raw_table: str, source: str) -> list[str]:
    """Raw tables of other sources that this table's referential rules read.

    Tutoring sessions must name SIS students, so tutoring's checks wait for the SIS load: when
    that load fails, Dagster skips the checks (and everything after them) instead of running
    them into a raw "table does not exist" error that hides the SIS's own message.
    """
    return sorted(
        {
            parent
            for _, parent, _ in FOREIGN_KEYS.get(raw_table, [])
            if not parent.startswith(f"{source}__")
        }
    )


def build_raw_checks(source: str, settings: RunSettings) -> dg.AssetChecksDefinition:
    """GX suite + load accounting checks for every raw table of one source, in one step.

    A table absent by configuration (orchestration/absent_sources.py) passes both without
    running: it is empty by design.
    """
    all_contracts = tables_for(source)
    specs = []
    for contract in all_contracts:
        key = raw_asset_key(contract.raw_table)
        parents = [raw_asset_key(t) for t in parents_in_other_sources(contract.raw_table, source)]
        specs.append(
            dg.AssetCheckSpec(
                SUITE_CHECK,
                asset=key,
                blocking=True,
                description="GX suite from the source contract",
                additional_deps=parents,
            )
        )
        specs.append(
            dg.AssetCheckSpec(
                LOAD_CHECK,
                asset=key,
                blocking=True,
                description="rows read = loaded + quarantined + collapsed; bad-row share; volume",
                additional_deps=parents,
            )
        )
        if contract.raw_table == DROP_AGE_TABLE:
            specs.append(
                dg.AssetCheckSpec(
                    DROP_AGE_CHECK,
                    asset=key,
                    blocking=False,
                    description=(
                        "The newest SIS drop is at most SIS_MAX_DROP_AGE_DAYS (default 1) old "
                        "on the district's today (a late drop warns; the last one stays loaded)"
                    ),
                )
            )

    @dg.multi_asset_check(
        specs=specs,
        name=f"quality_raw_{source}",
    )
    def raw_checks(context) -> Iterator[dg.AssetCheckResult]:
        from ingestion.common.warehouse import connect_warehouse
        from quality.check_scope import (
            create_scope_view,
            drop_scope_views,
            mark_checked,
            scope_for,
        )

        absent = absent_raw_tables()
        yield from _absent_table_results(c for c in all_contracts if c.raw_table in absent)
        contracts = [c for c in all_contracts if c.raw_table not in absent]
        if not contracts:
            return
        warehouse = settings.sources.warehouse_path
        con = connect_warehouse(warehouse)
        try:
            scopes = {c.raw_table: scope_for(con, c.source, c.name) for c in contracts}
            for scope in scopes.values():
                if scope.kind == "new_rows":
                    create_scope_view(con, scope)
        finally:
            con.close()

        passed_suites = set()
        yield from _suite_results(context, settings, contracts, scopes, passed_suites)

        max_change = float(os.environ.get("QUALITY_MAX_VOLUME_CHANGE", "0.5"))
        max_age = int(os.environ.get("SIS_MAX_DROP_AGE_DAYS", "1"))
        max_bad = float(os.environ.get("QUALITY_MAX_BAD_ROW_SHARE", "0.01"))
        con = connect_warehouse(warehouse)
        try:
            drop_scope_views(con)
            for contract in contracts:
                result = _load_check_result(con, source, contract, max_change, max_bad)
                is_blocked = not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
                if contract.raw_table in passed_suites and not is_blocked:
                    mark_checked(con, scopes[contract.raw_table])
                yield result
                if contract.raw_table == DROP_AGE_TABLE:
                    yield _drop_age_result(con, settings.district_today(), max_age)
        finally:
            con.close()

    return raw_checks


def _absent_table_results(contracts) -> Iterator[dg.AssetCheckResult]:
    for contract in contracts:
        for check_name in (SUITE_CHECK, LOAD_CHECK):
            yield dg.AssetCheckResult(
                asset_key=raw_asset_key(contract.raw_table),
                check_name=check_name,
                passed=True,
                metadata={"status": ABSENT_BY_CONFIGURATION},
            )


def _suite_results(context, settings, contracts, scopes, passed_suites: set):
    """Run each table's contract suite on the rows its scope names; yield one result each.

    The tables with rows to validate go through one GX checkpoint. Tables whose suite has no
    blocking failure are added to `passed_suites`.
    """
    from quality.runner import close_runner, shared_runner
    from quality.suites.raw import RAW_RULES, rules_for_new_rows

    to_validate = {}
    for contract in contracts:
        scope = scopes[contract.raw_table]
        if scope.kind == "nothing_new":
            passed_suites.add(contract.raw_table)
            yield dg.AssetCheckResult(
                asset_key=raw_asset_key(contract.raw_table),
                check_name=SUITE_CHECK,
                passed=True,
                metadata={"scope": "nothing new", "checked_through": str(scope.since)},
            )
        elif scope.kind == "new_rows":
            to_validate[contract.raw_table] = rules_for_new_rows(contract.raw_table)
        else:
            to_validate[contract.raw_table] = RAW_RULES[contract.raw_table]
    if not to_validate:
        return
    runner = shared_runner(settings.sources.warehouse_path, settings.outputs_dir / "quality")
    try:
        relations = {raw_table: scopes[raw_table].validated_relation for raw_table in to_validate}
        outcomes = runner.validate_relations(
            {relations[raw_table]: rules for raw_table, rules in to_validate.items()}
        )
    finally:
        close_runner(runner)
    stored = store_failure_examples(
        context.run.run_id,
        settings.sources.warehouse_path,
        {f"raw.{raw_table}": outcomes[relation] for raw_table, relation in relations.items()},
    )
    for raw_table, relation in relations.items():
        scope, outcome = scopes[raw_table], outcomes[relation]
        failed_blocking = bool(outcome.blocking_failures)
        if not failed_blocking:
            passed_suites.add(raw_table)
        for failure in outcome.blocking_failures + outcome.warnings:
            context.log.warning(
                f"raw.{raw_table}: {failure.severity} {failure.description}: "
                f"{failure.unexpected_count} unexpected"
            )
        scope_metadata = {"scope": scope.kind}
        if scope.kind == "new_rows":
            scope_metadata["rows_loaded_after"] = str(scope.since)
        yield dg.AssetCheckResult(
            asset_key=raw_asset_key(raw_table),
            check_name=SUITE_CHECK,
            passed=not (outcome.blocking_failures or outcome.warnings),
            severity=_severity(failed_blocking),
            metadata=_outcome_metadata(outcome)
            | failure_pointer(stored[f"raw.{raw_table}"])
            | scope_metadata,
        )


def _drop_age_result(con, today: date, max_age: int) -> dg.AssetCheckResult:
    """The SIS drop-age rule as its own freshness check (WARN: a late drop is news, not a
    reason to stop publishing what was loaded)."""
    from quality.load_checks import sis_drop_freshness

    check = sis_drop_freshness(con, today, max_age)
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(DROP_AGE_TABLE),
        check_name=DROP_AGE_CHECK,
        passed=check.passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"message": check.message, "district_today": str(today)}
        | {k: str(v) for k, v in check.metadata.items()},
    )


def _load_check_result(con, source, contract, max_change, max_bad) -> dg.AssetCheckResult:
    """Row accounting and the bad-row share (blocking) and volume."""
    from quality.load_checks import bad_row_share, row_accounting, volume_change

    checks = [
        row_accounting(con, source, contract.name),
        bad_row_share(con, contract, max_bad),
        volume_change(con, source, contract.name, max_change),
    ]
    failed_blocking = any(not c.passed and c.severity == "ERROR" for c in checks)
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(contract.raw_table),
        check_name=LOAD_CHECK,
        passed=all(c.passed for c in checks),
        severity=_severity(failed_blocking),
        metadata={c.name: c.message for c in checks}
        | {f"{c.name}_passed": c.passed for c in checks},
    )
