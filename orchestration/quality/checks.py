"""Quality gates as Dagster asset checks: one GX suite per raw table, plus load accounting.

ERROR-severity failures are blocking: Dagster skips everything downstream of the checked table
in the same run, so a broken nightly file never reaches the marts or the publications, and the
last good publication stays live. WARN failures annotate the run.

What the checks do is quality/raw_workflow.py's; this module declares them to Dagster and
reports their results.
"""

from collections.abc import Iterator

import dagster as dg

from ingestion.contracts import FOREIGN_KEYS, tables_for
from orchestration.absent_sources import ABSENT_BY_CONFIGURATION, absent_raw_tables
from orchestration.quality.results import asset_check_result
from orchestration.settings import RunSettings
from orchestration.sources.assets import raw_asset_key
from quality.check_results import SUITE_CHECK
from quality.raw_workflow import DROP_AGE_CHECK, DROP_AGE_TABLE, LOAD_CHECK


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
        from quality.raw_workflow import RawCheckLimits, run_raw_checks

        absent = absent_raw_tables()
        for contract in all_contracts:
            if contract.raw_table in absent:
                for check_name in (SUITE_CHECK, LOAD_CHECK):
                    yield dg.AssetCheckResult(
                        asset_key=raw_asset_key(contract.raw_table),
                        check_name=check_name,
                        passed=True,
                        metadata={"status": ABSENT_BY_CONFIGURATION},
                    )
        results = run_raw_checks(
            source=source,
            contracts=[c for c in all_contracts if c.raw_table not in absent],
            warehouse=settings.sources.warehouse_path,
            quality_dir=settings.outputs_dir / "quality",
            run_id=context.run.run_id,
            today=settings.district_today(),
            limits=RawCheckLimits.from_env(),
            log_warning=context.log.warning,
        )
        for result in results:
            yield asset_check_result(result, raw_asset_key(result.table))

    return raw_checks
