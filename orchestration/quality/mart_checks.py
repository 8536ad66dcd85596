"""GX suites on every mart, as blocking asset checks: the gate the exports wait behind.

A mart built on a raw table absent by configuration (orchestration/absent_sources.py) is empty
by design: its non-empty rule is left out, every other rule still runs. A mart empty while all
its inputs were present still fails.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.absent_sources import absent_raw_tables, is_empty_by_design
from orchestration.dbt.assets import dbt_relations
from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.translator import CHECKED_SCHEMAS
from orchestration.quality.checks import (
    SUITE_CHECK,
    _outcome_metadata,
    _severity,
    store_failure_examples,
)
from orchestration.settings import RunSettings
from quality.check_failures import failure_pointer


def mart_tables() -> list[tuple[str, str, dg.AssetKey]]:
    """(schema, table, asset key) of every mart model in the dbt manifest."""
    return dbt_relations(CHECKED_SCHEMAS)


def build_mart_checks(settings: RunSettings) -> dg.AssetChecksDefinition:
    tables = mart_tables()
    specs = [
        dg.AssetCheckSpec(
            SUITE_CHECK,
            asset=key,
            blocking=True,
            description="GX suite: measure contract, privacy, non-empty",
        )
        for _, _, key in tables
    ]

    @dg.multi_asset_check(specs=specs, name="quality_marts")
    def mart_checks(context) -> Iterator[dg.AssetCheckResult]:
        from quality.runner import close_runner, shared_runner
        from quality.suites.marts import rules_for_mart
        from warehouse.connection import connect

        con = connect(settings.sources.warehouse_path, read_only=True)
        try:
            columns: dict[tuple[str, str], list[str]] = {}
            for schema, table, column in con.execute(
                "select table_schema, table_name, column_name from information_schema.columns "
                "order by table_schema, table_name, ordinal_position"
            ).fetchall():
                columns.setdefault((schema, table), []).append(column)
        finally:
            con.close()
        absent = absent_raw_tables()
        manifest_text = district_dbt_project.manifest_path.read_text() if absent else ""
        runner = shared_runner(settings.sources.warehouse_path, settings.outputs_dir / "quality")
        try:
            outcomes = runner.validate_relations(
                {
                    (schema, table): rules_for_mart(
                        schema,
                        table,
                        columns.get((schema, table), []),
                        may_be_empty=bool(absent)
                        and is_empty_by_design(manifest_text, schema, table, absent),
                    )
                    for schema, table, _ in tables
                }
            )
        finally:
            close_runner(runner)
        stored = store_failure_examples(
            context.run.run_id,
            settings.sources.warehouse_path,
            {f"{schema}.{table}": outcomes[(schema, table)] for schema, table, _ in tables},
        )
        for schema, table, key in tables:
            outcome = outcomes[(schema, table)]
            for failure in outcome.blocking_failures + outcome.warnings:
                context.log.warning(
                    f"{schema}.{table}: {failure.severity} {failure.description}: "
                    f"{failure.unexpected_count} unexpected"
                )
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=SUITE_CHECK,
                passed=not (outcome.blocking_failures or outcome.warnings),
                severity=_severity(bool(outcome.blocking_failures)),
                metadata=_outcome_metadata(outcome) | failure_pointer(stored[f"{schema}.{table}"]),
            )

    return mart_checks
