"""One Dagster multi-asset per source system, each materializing that system's raw tables.

The loading itself lives in `ingestion/`; this module only wires it: which raw tables a source
produces (from the contract), where the warehouse is, and what goes into the asset metadata so a
data engineer sees rows read, loaded and quarantined for every table of every nightly load.
"""

import importlib
from collections.abc import Callable, Iterator

import dagster as dg

from ingestion.common.errors import SourceError, is_transient
from ingestion.contracts import tables_for
from orchestration.absent_sources import ABSENT_BY_CONFIGURATION, absent_raw_tables
from orchestration.demo.assets import DEMO_SOURCES_KEY
from orchestration.quality.freshness import freshness_policy
from orchestration.settings import RunSettings
from orchestration.sources.load_mode import sources_for_run

SOURCE_DESCRIPTIONS = {
    "sis": "Student information system: one CSV per table per nightly drop (SFTP landing folder).",
    "hr": "HR database read through SQLAlchemy (SQLite by default), or Ed-Fi staff interchanges.",
    "tutoring": "Tutoring vendor's paginated JSON API (saved pages by default).",
    "survey": "Survey platform's wide CSV export with its item dictionary.",
    "planning": "School targets toward the 2026 district goals.",
}
SOURCES = tuple(SOURCE_DESCRIPTIONS)


def raw_asset_key(raw_table: str) -> dg.AssetKey:
    """The asset key of a raw warehouse table; the dbt translator maps sources to the same key."""
    return dg.AssetKey(["raw", raw_table])


def _loader(source: str) -> Callable:
    """`ingestion.<source>.load_<source>`, imported when the asset runs, not at definition load."""
    return getattr(importlib.import_module(f"ingestion.{source}"), f"load_{source}")


def _failure_of(error: SourceError) -> Exception:
    """What the step raises for a source error: retried only when a retry can pass.

    A transient error (ingestion.common.errors.TRANSIENT_RULES: a drop still arriving, a server
    not answering) is raised as it is, so the step's retry policy tries again later. Any other
    error is a dg.Failure that forbids retries: an empty landing folder or a malformed file
    fails the same way every time, and retrying it only delays the message by minutes.
    """
    if is_transient(error):
        return error
    return dg.Failure(
        description=str(error),
        metadata={
            "source": error.source,
            "rule": error.rule,
            **({"file": error.source_file} if error.source_file else {}),
            **({"row": error.source_row} if error.source_row is not None else {}),
        },
        allow_retries=False,
    )


def build_source_assets(source: str, settings: RunSettings) -> "dg.AssetsDefinition":
    """The multi-asset that loads every raw table of one source in a single pass."""
    contracts = tables_for(source)
    deps = [DEMO_SOURCES_KEY] if settings.is_demo else []
    specs = [
        dg.AssetSpec(
            key=raw_asset_key(contract.raw_table),
            group_name=source,
            description=f"raw.{contract.raw_table}: {SOURCE_DESCRIPTIONS[source]}",
            deps=deps,
            kinds={"duckdb"},
            metadata={"natural_key": ", ".join(contract.key)},
            freshness_policy=freshness_policy(),
        )
        for contract in contracts
    ]

    @dg.multi_asset(
        name=f"load_{source}",
        specs=specs,
        retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    )
    def load_source(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
        from ingestion.common.warehouse import connect_warehouse
        from orchestration.absent_sources import empty_absent_tables

        sources = sources_for_run(settings.sources, context.run.tags)
        absent = absent_raw_tables()
        absent_contracts = [c for c in contracts if c.raw_table in absent]
        present = [c for c in contracts if c.raw_table not in absent]
        con = connect_warehouse(sources.warehouse_path)
        try:
            empty_absent_tables(con, absent_contracts)
            results = {}
            if present and absent_contracts:  # optional SIS tables, HR tables Ed-Fi lacks
                results = _loader(source)(con, sources, present)
            elif present:
                results = _loader(source)(con, sources)
        except SourceError as error:
            raise _failure_of(error) from error
        finally:
            con.close()
        for contract in absent_contracts:
            context.log.info(f"raw.{contract.raw_table}: {ABSENT_BY_CONFIGURATION}")
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(contract.raw_table),
                metadata={
                    "dagster/row_count": 0,
                    "rows_loaded": 0,
                    "status": ABSENT_BY_CONFIGURATION,
                },
            )
        for contract in present:
            result = results.get(contract.name) or results.get(contract.raw_table)
            if result is None:
                raise dg.Failure(f"{source}: the loader returned no result for {contract.name}")
            context.log.info(
                f"raw.{contract.raw_table}: read {result.rows_read:,}, loaded "
                f"{result.rows_loaded:,}, quarantined {result.rows_quarantined:,}, "
                f"collapsed {getattr(result, 'rows_collapsed', 0):,}"
            )
            for warning in getattr(result, "warnings", ()) or ():
                context.log.warning(f"raw.{contract.raw_table}: {warning}")
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(contract.raw_table),
                metadata={
                    "dagster/row_count": result.rows_loaded,
                    "rows_read": result.rows_read,
                    "rows_loaded": result.rows_loaded,
                    "rows_quarantined": result.rows_quarantined,
                    "rows_collapsed": getattr(result, "rows_collapsed", 0),
                    "files": dg.MetadataValue.json(list(result.files)),
                    "seconds": round(result.seconds, 2),
                    "warnings": dg.MetadataValue.json(list(getattr(result, "warnings", ()) or ())),
                },
            )

    return load_source
