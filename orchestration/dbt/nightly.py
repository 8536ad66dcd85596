"""The current-year job: what the nightly schedule runs for one school-year partition.

It runs the same assets as `full_refresh` (load, check, build, publish) in one process, but
for the dbt docs site. Sources load only what changed (orchestration/sources/load_mode.py),
raw checks validate only rows not validated before (quality/check_scope.py), and the dbt step's
incremental models recompute the run's school years instead of all
(orchestration/dbt/refresh_years.py). The step's op is the dbt multi-asset `district_dbt`.

The job is partitioned by school year (orchestration/partitions.py): the nightly schedule runs
the current year's partition, the only year a nightly SIS drop carries (ingestion/SOURCES.md);
past years keep the rows they have. A past year is rebuilt from the UI (after a corrected
history file arrives) by launching this job for its partition, or a backfill of chosen years
from the job's or the dbt assets' Partitions tab: the dbt step's single-run backfill policy
builds them in one `dbt build`.

The schedules are in orchestration/schedules.py: this job on school nights, the full refresh
weekly (a current-year run cannot see a new history drop, a changed seed or var,
or a changed model).
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

from orchestration.dbt.assets import district_dbt_models
from orchestration.partitions import school_year_partitions
from orchestration.sources.load_mode import INCREMENTAL, LOAD_MODE_TAG

DBT_OP_NAME = "district_dbt"
"""The op of the dbt multi-asset (`@dbt_assets(name=...)` in orchestration/dbt/assets.py)."""
WAREHOUSE_TAGS = {"district/warehouse": "duckdb", LOAD_MODE_TAG: INCREMENTAL}
"""One run at a time may write the warehouse (the QueuedRunCoordinator limits the first tag);
sources load only what changed (orchestration/sources/load_mode.py)."""


DOCS_SITE_KEY = dg.AssetKey(["docs", "dbt_docs_site"])
SEEDS = "resource_type:seed"
"""dbt seeds: their content changes only with a deploy, which a full refresh follows."""
CURRENT_YEAR_SELECTION = (
    dg.AssetSelection.all()
    - dg.AssetSelection.assets(DOCS_SITE_KEY)
    - build_dbt_asset_selection([district_dbt_models], dbt_select=SEEDS)
)
"""Everything but the dbt docs site and the seeds: the docs change only with the models (a
deploy, followed by a full refresh), and generating them costs as much as a third of the
current-year dbt build; seeds likewise. Seeds read nothing, so leaving them out of the selection
leaves the order of the steps as it is, and the exports downstream of the dbt step do not wait
on materializations the run does not make.

The staging views stay selected although the dbt command leaves them out too
(refresh_years.CURRENT_YEAR_EXCLUDE: their definitions change only with a deploy): they are the
only dbt assets that read the raw tables, so without them the dbt step would have no upstream in
the job and would run before the sources load and their blocking checks pass."""


nightly_current_year_job = dg.define_asset_job(
    name="nightly_current_year",
    selection=CURRENT_YEAR_SELECTION,
    executor_def=dg.in_process_executor,
    partitions_def=school_year_partitions,
    description=(
        "Load, check and publish everything; dbt recomputes the incremental models' rows of "
        "the run's school year (the nightly schedule: the current one) and keeps the others."
    ),
    tags=WAREHOUSE_TAGS,
)
