"""Every dbt model, seed and snapshot as a Dagster asset, and every dbt test as an asset check."""

import os
import shlex

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.refresh_years import SchoolYearsConfig, dbt_build_args
from orchestration.dbt.translator import DistrictDbtTranslator

DBT_TRANSLATOR = DistrictDbtTranslator()
DOCS_TARGET_PATH = district_dbt_project.project_dir / "target" / "docs_site"


@dbt_assets(
    manifest=district_dbt_project.manifest_path,
    project=district_dbt_project,
    dagster_dbt_translator=DBT_TRANSLATOR,
    name="district_dbt",
)
def district_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: SchoolYearsConfig
):
    """`dbt build`: seeds, models and their tests in dependency order, one invocation.

    The run config picks the school years the incremental models recompute (all by default,
    as a full refresh); see orchestration/dbt/refresh_years.py.
    """
    args = dbt_build_args(config)
    context.log.info(shlex.join(["dbt", *args]))
    yield from dbt.cli(args, context=context).stream()


@dg.asset(
    key=dg.AssetKey(["docs", "dbt_docs_site"]),
    group_name="docs",
    deps=[district_dbt_models],
    description="dbt's documentation site (index.html, catalog.json) for the marts' columns.",
    kinds={"dbt"},
)
def dbt_docs_site(dbt: DbtCliResource) -> dg.MaterializeResult:
    """Regenerate the docs after every build so column docs match the warehouse analysts see."""
    invocation = dbt.cli(
        ["docs", "generate"],
        manifest=district_dbt_project.manifest_path,
        target_path=DOCS_TARGET_PATH,
    ).wait()
    index = invocation.target_path / "index.html"
    return dg.MaterializeResult(
        metadata={
            "docs_index": dg.MetadataValue.path(str(index)),
            "warehouse": os.environ.get("WAREHOUSE_PATH", ""),
        }
    )
