"""Quality gates as Dagster asset checks: one GX suite per raw table, plus load accounting.

ERROR-severity failures are blocking: Dagster skips everything downstream of the checked table
in the same run, so a broken nightly file never reaches the marts or the publications, and the
last good publication stays live. WARN failures annotate the run.
"""

import os
from collections.abc import Iterator
from datetime import date

import dagster as dg

from ingestion.contracts import tables_for
from orchestration.settings import RunSettings
from orchestration.sources.assets import raw_asset_key

SUITE_CHECK = "gx_contract_suite"
LOAD_CHECK = "load_accounting"


def _severity(failed_blocking: bool) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if failed_blocking else dg.AssetCheckSeverity.WARN


def _outcome_metadata(outcome) -> dict:
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
                    "examples": o.examples,
                    "error": o.error,
                }
                for o in failed
            ]
        ),
        "data_docs": dg.MetadataValue.path(str(outcome.data_docs_path)),
    }


def build_raw_checks(source: str, settings: RunSettings) -> dg.AssetChecksDefinition:
    """GX suite + load accounting checks for every raw table of one source, in one step."""
    contracts = tables_for(source)
    specs = []
    for contract in contracts:
        key = raw_asset_key(contract.raw_table)
        specs.append(
            dg.AssetCheckSpec(
                SUITE_CHECK,
                asset=key,
                blocking=True,
                description="GX suite from the source contract",
            )
        )
        specs.append(
            dg.AssetCheckSpec(
                LOAD_CHECK,
                asset=key,
                blocking=True,
                description="rows read = loaded + quarantined; volume",
            )
        )

    @dg.multi_asset_check(specs=specs, name=f"quality_raw_{source}")
    def raw_checks(context) -> Iterator[dg.AssetCheckResult]:
        import duckdb

        from quality.load_checks import row_accounting, sis_drop_freshness, volume_change
        from quality.runner import SuiteRunner, close_runner
        from quality.suites.raw import RAW_RULES

        runner = SuiteRunner(settings.sources.warehouse_path, settings.outputs_dir / "quality")
        try:
            for contract in contracts:
                outcome = runner.validate("raw", contract.raw_table, RAW_RULES[contract.raw_table])
                failed_blocking = bool(outcome.blocking_failures)
                for failure in outcome.blocking_failures + outcome.warnings:
                    context.log.warning(
                        f"raw.{contract.raw_table}: {failure.severity} {failure.description}: "
                        f"{failure.unexpected_count} unexpected, e.g. {failure.examples[:3]}"
                    )
                yield dg.AssetCheckResult(
                    asset_key=raw_asset_key(contract.raw_table),
                    check_name=SUITE_CHECK,
                    passed=not (outcome.blocking_failures or outcome.warnings),
                    severity=_severity(failed_blocking),
                    metadata=_outcome_metadata(outcome),
                )
        finally:
            close_runner(runner)

        max_change = float(os.environ.get("QUALITY_MAX_VOLUME_CHANGE", "0.5"))
        max_age = int(os.environ.get("SIS_MAX_DROP_AGE_DAYS", "1"))
        con = duckdb.connect(str(settings.sources.warehouse_path), read_only=True)
        try:
            for contract in contracts:
                checks = [
                    row_accounting(con, source, contract.name),
                    volume_change(con, source, contract.name, max_change),
                ]
                if contract.raw_table == "sis__schools":
                    checks.append(sis_drop_freshness(con, date.today(), max_age))
                failed_blocking = any(not c.passed and c.severity == "ERROR" for c in checks)
                yield dg.AssetCheckResult(
                    asset_key=raw_asset_key(contract.raw_table),
                    check_name=LOAD_CHECK,
                    passed=all(c.passed for c in checks),
                    severity=_severity(failed_blocking),
                    metadata={c.name: c.message for c in checks}
                    | {f"{c.name}_passed": c.passed for c in checks},
                )
        finally:
            con.close()

    return raw_checks
