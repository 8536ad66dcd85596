"""Publications, downstream of the marts and of their blocking checks.

They are separate assets, not dbt models, so a failed blocking check on any mart (a dbt test or a
GX suite) stops them while the previous publication stays live. The BI
database and the open-data release share one step that runs them side by side; the portal and
CKAN follow the release.
"""

import os
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
        """The BI publication and the open-data release, side by side (exports/publications.py).

        Each is reported as it finishes; if one fails, the other's publication still stands
        and the step fails with the first error.
        """
        from exports.publications import BI, publish_side_by_side

        selected = context.selected_asset_keys
        (outputs / "bi").mkdir(parents=True, exist_ok=True)
        outcomes = publish_side_by_side(
            warehouse,
            bi_url=_bi_url(outputs) if bi_key in selected else None,
            manifest_path=district_dbt_project.manifest_path,
            parquet_dir=outputs / "bi" / "parquet",
            open_data_dir=open_data_dir if release_key in selected else None,
        )
        errors = []
        for outcome in outcomes:
            if outcome.error is not None:
                errors.append(outcome.error)
            elif outcome.name == BI:
                yield dg.MaterializeResult(
                    asset_key=bi_key, metadata=_bi_metadata(context.log, outcome.result)
                )
            else:
                yield dg.MaterializeResult(
                    asset_key=release_key, metadata=_release_metadata(context.log, outcome.result)
                )
        if errors:
            raise errors[0]

    @dg.asset(
        key=["publications", "open_data_portal"],
        group_name=GROUP,
        deps=[release_key],
        kinds={"html"},
        description=(
            "Static open-data portal in English and Spanish: dataset downloads and a report "
            "card per school."
        ),
    )
    def open_data_portal() -> dg.MaterializeResult:
        from exports.open_data.portal import build_portal
        from exports.open_data.portal_text import LANGUAGES
        from exports.open_data.release import read_latest_version

        version = read_latest_version(open_data_dir)
        result = build_portal(open_data_dir / "releases" / version, open_data_dir / "portal")
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.url((result.out_dir / "index.html").resolve().as_uri()),
                "school_pages": result.school_pages,
                "pages_rendered": result.pages_rendered,
                "pages_reused": result.pages_reused,
                "sections_rendered": result.sections_rendered,
                "sections_reused": result.sections_reused,
                "languages": ", ".join(language.code for language in LANGUAGES),
                # Catalogue keys shown in English on the Spanish pages (no student data).
                "missing_translations": ", ".join(result.missing_translations) or "none",
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


def _bi_url(outputs: Path) -> str:
    """The BI target, read at run time so a corrected target takes effect on a re-execution."""
    return os.environ.get("BI_DATABASE_URL") or f"duckdb:///{outputs / 'bi' / 'district_bi.duckdb'}"


def _bi_metadata(log, result) -> dict:
    """The BI publication's asset metadata, with a summary line in the run log."""
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


def _release_metadata(log, result) -> dict:
    """The open-data release's asset metadata, with a summary line in the run log."""
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
