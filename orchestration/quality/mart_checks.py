"""GX suites on every mart, as blocking asset checks: the gate the exports wait behind.

What the checks do is quality/mart_workflow.py's. A mart built on a raw table absent by
configuration (orchestration/absent_sources.py) is empty by design: its non-empty rule is left
out, every other rule still runs. A mart empty while all its inputs were present still fails.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.absent_sources import absent_raw_tables, is_empty_by_design
from orchestration.dbt.assets import dbt_relations
from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.translator import CHECKED_SCHEMAS
from orchestration.quality.results import asset_check_result
from orchestration.settings import RunSettings
from quality.check_results import SUITE_CHECK


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
        from quality.mart_workflow import run_mart_checks

        absent = absent_raw_tables()
        manifest_text = district_dbt_project.manifest_path.read_text() if absent else ""
        keys = {f"{schema}.{table}": key for schema, table, key in tables}
        results = run_mart_checks(
            tables=[(schema, table) for schema, table, _ in tables],
            may_be_empty=lambda schema, table: (
                bool(absent) and is_empty_by_design(manifest_text, schema, table, absent)
            ),
            warehouse=settings.sources.warehouse_path,
            quality_dir=settings.outputs_dir / "quality",
            run_id=context.run.run_id,
            log_warning=context.log.warning,
        )
        for result in results:
            yield asset_check_result(result, keys[result.table])

    return mart_checks
