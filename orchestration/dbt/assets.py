"""Every dbt model, seed and snapshot as a Dagster asset, and every dbt test as an asset check."""

import hashlib
import json
import os
import shlex
import shutil
from pathlib import Path
from uuid import uuid4

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import district_dbt_project
from orchestration.dbt.refresh_years import dbt_build_args, dbt_build_vars, refreshed_years
from orchestration.dbt.table_metadata import with_table_metadata
from orchestration.dbt.translator import DistrictDbtTranslator
from orchestration.partitions import school_year_partitions
from orchestration.warehouse_resource import WarehouseResource

DBT_TRANSLATOR = DistrictDbtTranslator()
DOCS_TARGET_PATH = district_dbt_project.project_dir / "target" / "docs_site"
LAST_BUILD_PATH = district_dbt_project.project_dir / "target" / "last_build"
"""The newest successful `dbt build`'s manifest (every node it ran carries its compiled SQL) and
its partial-parse state, which spares the docs step a second parse of the project."""
LAST_BUILD_FILES = ("manifest.json", "partial_parse.msgpack")
PARSE_STATE_FILE = "partial_parse.msgpack"
PUBLISHED_SCHEMAS = ("marts", "reference", "restricted")
"""The schemas the publications read: the marts, the reference seeds and the restricted marts."""


def dbt_relations(schemas: tuple[str, ...] | None) -> list[tuple[str, str, dg.AssetKey]]:
    """(schema, table, asset key) of every dbt model and seed built into `schemas` (None: any
    schema), sorted.

    Read from the manifest, so a new mart is checked and published the day it is added.
    """
    manifest = json.loads(district_dbt_project.manifest_path.read_text())
    relations = [
        (node["schema"], node["alias"] or node["name"], DBT_TRANSLATOR.get_asset_key(node))
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
        and (schemas is None or node["schema"] in schemas)
    ]
    return sorted(relations, key=lambda relation: relation[:2])


@dbt_assets(
    manifest=district_dbt_project.manifest_path,
    project=district_dbt_project,
    dagster_dbt_translator=DBT_TRANSLATOR,
    name="district_dbt",
    partitions_def=school_year_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def district_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """`dbt build`: seeds, models and their tests in dependency order, one invocation.

    Partitioned by school year: the run's partitions are the years the incremental models
    recompute, all of them (a full refresh) when they cover every year; a backfill of several
    years is one run and one `dbt build` (single-run backfill policy). See
    orchestration/dbt/refresh_years.py. Models that are not per year are rebuilt whole by
    every run, so each partition's status says when that year was last built.
    """
    if not (context.has_partition_key or context.has_partition_key_range):
        raise dg.Failure(
            "the dbt step builds school years: launch it for a partition (a school year), a "
            "range of them, or through full_refresh (every year)"
        )
    years = refreshed_years(context.partition_keys, school_year_partitions.get_partition_keys())
    args = dbt_build_args(years, dbt_build_vars())
    context.log.info(shlex.join(["dbt", *args]))
    target_path = _invocation_target_path(context)
    # dbt re-parses the whole project (about 10 s) unless it finds its partial-parse state in
    # the target folder, and each invocation gets a fresh one: start it from the last build's
    # for the same arguments (a changed --vars invalidates the state).
    parse_state = _parse_state_path(years, args)
    if parse_state.exists():
        _copy_file(parse_state, target_path / PARSE_STATE_FILE)
    invocation = dbt.cli(args, context=context, target_path=target_path)
    yield from with_table_metadata(invocation.stream(), warehouse.file, _relations_by_key())
    _copy_files(invocation.target_path, LAST_BUILD_PATH, LAST_BUILD_FILES)
    if (invocation.target_path / PARSE_STATE_FILE).exists():
        _copy_file(invocation.target_path / PARSE_STATE_FILE, parse_state)


def _parse_state_path(years: list[str], args: list[str]) -> Path:
    """Where the partial-parse state of a build with these arguments is kept: one per set of
    years and dbt vars, as dbt's own state is valid only for the vars it was parsed with."""
    name = "_".join(years) if years else "all_years"
    digest = hashlib.sha256(json.dumps(args).encode()).hexdigest()[:12]
    return LAST_BUILD_PATH / "parse_state" / f"{name}-{digest}.msgpack"


def _relations_by_key() -> dict[dg.AssetKey, tuple[str, str]]:
    """Every dbt model's and seed's asset key → its `(schema, table)` in the warehouse."""
    return {key: (schema, table) for schema, table, key in dbt_relations(None)}


def _invocation_target_path(context: dg.AssetExecutionContext) -> Path:
    """A folder of its own for this dbt invocation's artifacts, named as dagster-dbt names them,
    under DBT_TARGET_PATH (default `target` in the dbt project)."""
    base = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    if not base.is_absolute():
        base = district_dbt_project.project_dir / base
    return (
        base / f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}-{uuid4().hex[:7]}"
    )


def _copy_files(source: Path, destination: Path, names: tuple[str, ...]) -> None:
    """Copy the named files that exist, each replaced in one rename."""
    for name in names:
        if (source / name).exists():
            _copy_file(source / name, destination / name)


def _copy_file(source: Path, destination: Path) -> None:
    """Copy one file, replacing the destination in one rename."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, destination)


@dg.asset(
    key=dg.AssetKey(["docs", "dbt_docs_site"]),
    group_name="docs",
    deps=[district_dbt_models],
    description="dbt's documentation site (index.html, catalog.json) for the marts' columns.",
    kinds={"dbt"},
)
def dbt_docs_site(dbt: DbtCliResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Regenerate the docs after every build so column docs match the warehouse analysts see.

    The site is the newest build's manifest (its compiled SQL included) plus a catalog read
    from the warehouse now: `dbt docs generate --no-compile` writes only the catalog and the
    page, where compiling every node again would take three times as long. Without a build
    manifest (the docs materialized on their own before any build), dbt compiles the project.
    """
    args = ["docs", "generate"]
    if (LAST_BUILD_PATH / "manifest.json").exists():
        _copy_files(LAST_BUILD_PATH, DOCS_TARGET_PATH, LAST_BUILD_FILES)
        args.append("--no-compile")
    invocation = dbt.cli(
        args, manifest=district_dbt_project.manifest_path, target_path=DOCS_TARGET_PATH
    ).wait()
    index = invocation.target_path / "index.html"
    return dg.MaterializeResult(
        metadata={
            "docs_index": dg.MetadataValue.url(index.resolve().as_uri()),
            "warehouse": warehouse.path,
            "compiled_by_build": "--no-compile" in args,
        }
    )
