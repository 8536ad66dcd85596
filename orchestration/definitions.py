"""The district's Dagster code location: loads the assets, jobs and schedules, nothing more."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import dagster as dg

from orchestration.process_gc import freeze_loaded_objects
from orchestration.settings import RunSettings


def build_definitions(settings: RunSettings | None = None) -> dg.Definitions:
    settings = settings or RunSettings.from_env()
    warehouse_path = str(settings.sources.warehouse_path.resolve())

    from orchestration.dbt.assets import dbt_docs_site, district_dbt_models
    from orchestration.dbt.nightly import nightly_current_year_job
    from orchestration.dbt.project import district_dbt_project
    from orchestration.dbt.resource import DistrictDbtCliResource
    from orchestration.demo.assets import build_demo_sources_asset
    from orchestration.exports.assets import build_export_assets
    from orchestration.jobs import full_refresh_job
    from orchestration.quality.checks import build_raw_checks
    from orchestration.quality.mart_checks import build_mart_checks
    from orchestration.schedules import build_schedules
    from orchestration.sensors import build_sensors
    from orchestration.sources.assets import SOURCES, build_source_assets
    from orchestration.warehouse_resource import WarehouseResource

    assets = [build_source_assets(source, settings) for source in SOURCES]
    if settings.is_demo:
        assets.append(build_demo_sources_asset(settings))
    assets += [district_dbt_models, dbt_docs_site, *build_export_assets(settings)]
    return dg.Definitions(
        assets=assets,
        asset_checks=[
            *(build_raw_checks(source, settings) for source in SOURCES),
            build_mart_checks(settings),
        ],
        jobs=[full_refresh_job, nightly_current_year_job],
        schedules=build_schedules(settings),
        sensors=build_sensors(settings),
        resources={
            "dbt": DistrictDbtCliResource(
                project_dir=district_dbt_project,
                dbt_executable=_dbt(),
                warehouse_path=warehouse_path,
            ),
            "warehouse": WarehouseResource(path=warehouse_path),
        },
    )


def _dbt() -> str:
    """The dbt of this environment, found even when the venv's bin is not on PATH."""
    return shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))


defs = build_definitions()
freeze_loaded_objects()  # the definitions live as long as the process (orchestration/process_gc.py)
