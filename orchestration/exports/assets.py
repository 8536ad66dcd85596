"""Publications, downstream of the marts and of their blocking checks.

They are separate assets, not dbt models, so a failed blocking check on any mart (a dbt test or a
GX suite) stops them while the previous publication stays live (shared/STACK_NOTES.md). The BI
database and the open-data release share one step that runs them side by side; the portal and
CKAN follow the release.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg

from orchestration.dbt.assets import PUBLISHED_SCHEMAS, dbt_relations
from orchestration.dbt.project import district_dbt_project
from orchestration.settings import RunSettings

GROUP = "publications"


def build_export_assets(settings: RunSettings) -> list[dg.AssetsDefinition]:
    outputs = settings.outputs_dir
    warehouse = settings.sources.warehouse_path
    open_data_dir = outputs / "open_data"

    bi_key = dg.AssetKey(["publications", "bi_database"])
    release_key = dg.AssetKey(["publications", "open_data_release"])
    # The tables the publications read, not every dbt asset: a current-year job selects the
    # staging views without building them, and a dependency on them would skip the publications.
    published = [key for _, _, key in dbt_relations(PUBLISHED_SCHEMAS)]

    @dg.multi_asset(
        name="publications__bi_database_and_release",
        specs=[
            dg.AssetSpec(
                bi_key,
                group_name=GROUP,
                deps=published,
                kinds={"duckdb", "postgres", "parquet"},
                description="Marts published to the BI database (BI_DATABASE_URL) and Parquet "
                "files, swapped in atomically; restricted marts apart with their own role.",
                skippable=True,
            ),
            dg.AssetSpec(
                release_key,
                group_name=GROUP,
                deps=published,
                kinds={"csv", "parquet"},
                description="Privacy-safe public release: suppressed aggregates, "
                "datapackage.json, DCAT data.json, dictionary, checksums; previous releases kept.",
                skippable=True,
            ),
        ],
        can_subset=True,
    )
    def bi_database_and_release(context: dg.AssetExecutionContext):
        """The BI publication and the open-data release, side by side.

        They read the warehouse and nothing of each other, and each is part Python, part
        DuckDB: run in two threads they overlap on the machine's cores instead of waiting for
        each other in the in-process executor (a quarter of the exports' time). Each is
        reported as it finishes; if one fails, the other's publication still stands and the
        step fails with the first error.
        """
        selected = context.selected_asset_keys
        _import_publishers()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="publish") as pool:
            futures = {}
            if bi_key in selected:
                futures[bi_key] = pool.submit(_publish_bi, context.log, outputs, warehouse)
            if release_key in selected:
                futures[release_key] = pool.submit(
                    _publish_release, context.log, warehouse, open_data_dir
                )
            errors = []
            for key, future in futures.items():
                try:
                    metadata = future.result()
                except Exception as error:  # reported after the other publication's result
                    errors.append(error)
                    continue
                yield dg.MaterializeResult(asset_key=key, metadata=metadata)
        if errors:
            raise errors[0]

    @dg.asset(
        key=["publications", "open_data_portal"],
        group_name=GROUP,
        deps=[release_key],
        kinds={"html"},
        description="Static open-data portal: dataset downloads and a report card per school.",
    )
    def open_data_portal() -> dg.MaterializeResult:
        from exports.open_data.portal import build_portal
        from exports.open_data.release import read_latest_version

        version = read_latest_version(open_data_dir)
        result = build_portal(open_data_dir / "releases" / version, open_data_dir / "portal")
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(result.out_dir / "index.html")),
                "school_pages": result.school_pages,
                "pages_rendered": result.pages_rendered,
                "pages_reused": result.pages_reused,
                "sections_rendered": result.sections_rendered,
                "sections_reused": result.sections_reused,
            }
        )

    @dg.asset(
        key=["publications", "ckan_portal"],
        group_name=GROUP,
        deps=[release_key],
        kinds={"ckan"},
        description="The release pushed to an external CKAN portal (off unless CKAN_URL).",
    )
    def ckan_portal(context) -> dg.MaterializeResult:
        from exports.open_data.ckan import publish_release
        from exports.open_data.release import read_latest_version

        version = read_latest_version(open_data_dir)
        published = publish_release(open_data_dir / "releases" / version)
        if not published:
            context.log.info("CKAN publishing is off (CKAN_URL is empty)")
        return dg.MaterializeResult(
            metadata={"datasets_published": len(published), "enabled": bool(published)}
        )

    return [bi_database_and_release, open_data_portal, ckan_portal]


def _import_publishers() -> None:
    """Import both publications' modules in the calling thread, before the two threads start.

    Two threads importing the exports packages for the first time at once can deadlock on
    Python's module locks (each holding a package the other needs: `_DeadlockError` on
    `exports.bi.warehouse`), so the step imports them once, alone, before it forks.
    """
    import exports.bi.publish  # noqa: F401
    import exports.open_data.release  # noqa: F401


def _publish_bi(log, outputs: Path, warehouse: Path) -> dict:
    """Publish the marts to the BI database and Parquet; the asset's metadata."""
    from exports.bi.publish import publish_marts

    # Read at run time, so a corrected target takes effect on a re-execution.
    bi_url = os.environ.get("BI_DATABASE_URL") or (
        f"duckdb:///{outputs / 'bi' / 'district_bi.duckdb'}"
    )
    (outputs / "bi").mkdir(parents=True, exist_ok=True)
    result = publish_marts(
        warehouse,
        bi_url,
        manifest_path=district_dbt_project.manifest_path,
        parquet_dir=outputs / "bi" / "parquet",
    )
    summary = (
        f"{len(result.tables_rebuilt)} tables written whole, "
        f"{len(result.years_rebuilt)} rewritten for some school years, "
        f"{len(result.tables_reused)} reused; Parquet: {len(result.parquet_written)} files "
        f"written, {result.parquet_reused} reused, {len(result.parquet_removed)} removed"
    )
    log.info(f"published {len(result.tables)} tables to {result.target}: {summary}")
    return {
        "target": result.target.split("@")[-1],
        "tables": len(result.tables),
        "rows": dg.MetadataValue.json(result.rows_by_table),
        "parquet_files": len(result.parquet_files),
        "seconds": round(result.seconds, 2),
        "summary": summary,
        "tables_rebuilt": dg.MetadataValue.json(list(result.tables_rebuilt)),
        "tables_years_rebuilt": dg.MetadataValue.json(result.years_rebuilt),
        "tables_measures_rebuilt": dg.MetadataValue.json(result.measures_rebuilt),
        "tables_reused": len(result.tables_reused),
        "tables_dropped": dg.MetadataValue.json(list(result.tables_dropped)),
        "parquet_files_written": len(result.parquet_written),
        "parquet_files_reused": result.parquet_reused,
        "parquet_files_removed": len(result.parquet_removed),
        "parquet_years_written": dg.MetadataValue.json(result.parquet_years_written),
        "fingerprint_seconds": round(result.fingerprint_seconds, 2),
    }


def _publish_release(log, warehouse: Path, open_data_dir: Path) -> dict:
    """Build the open-data release; the asset's metadata."""
    from exports.open_data.release import build_release

    result = build_release(warehouse, open_data_dir)
    log.info(
        f"release {result.version}: school years suppressed anew {result.years_rebuilt}, "
        f"copied from {result.previous_version} {result.years_reused}; "
        f"removed old releases {result.removed_releases}"
    )
    return {
        "version": result.version,
        "release_dir": dg.MetadataValue.path(str(result.release_dir)),
        "rows": dg.MetadataValue.json(result.row_counts),
        "suppression": dg.MetadataValue.json(result.reason_counts),
        "previous_version": result.previous_version or "",
        "seconds": round(result.elapsed_seconds, 2),
        "years_rebuilt": dg.MetadataValue.json(result.years_rebuilt),
        "years_reused": dg.MetadataValue.json(result.years_reused),
        "removed_releases": dg.MetadataValue.json(result.removed_releases),
    }
