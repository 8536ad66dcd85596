"""The current-year nightly job, the one-year backfill job and the current-year schedule.

Both jobs run the same assets as `full_refresh` (load, check, build, publish) in one process,
but for the dbt docs site. Sources load only what changed (orchestration/sources/load_mode.py),
raw checks validate only rows not validated before (quality/check_scope.py), and the dbt step's
incremental models recompute one school year instead of all (orchestration/dbt/refresh_years.py).
The step's op is the dbt multi-asset `district_dbt`.

- `nightly_current_year`: the school year of the as-of date, the only year a nightly SIS drop
  carries (ingestion/SOURCES.md). Past years keep the rows they have.
- `backfill_school_year`: the launchpad asks for one `school_year` (`YYYY-YY`) and recomputes
  that year: how a past year is rebuilt from the UI after a corrected history file arrives.

The schedules that run them are in orchestration/schedules.py: this job on school nights, the
full refresh weekly (a current-year run cannot see a new history drop, a changed seed or var,
or a changed model).
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

from orchestration.dbt.assets import district_dbt_models
from orchestration.dbt.refresh_years import CURRENT
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


def _dbt_years_config(school_years: list[str]) -> dict:
    return {"ops": {DBT_OP_NAME: {"config": {"school_years": school_years}}}}


nightly_current_year_job = dg.define_asset_job(
    name="nightly_current_year",
    selection=CURRENT_YEAR_SELECTION,
    executor_def=dg.in_process_executor,
    config=_dbt_years_config([CURRENT]),
    description=(
        "Load, check and publish everything; dbt recomputes only the current school year of "
        "the incremental models (CURRENT_SCHOOL_YEAR, else the year of the newest SIS drop)."
    ),
    tags=WAREHOUSE_TAGS,
)

backfill_school_year_job = dg.define_asset_job(
    name="backfill_school_year",
    selection=CURRENT_YEAR_SELECTION,
    executor_def=dg.in_process_executor,
    config=dg.ConfigMapping(
        config_schema={
            "school_year": dg.Field(str, description="The school year to recompute, YYYY-YY.")
        },
        config_fn=lambda config: _dbt_years_config([config["school_year"]]),
    ),
    description=(
        "Load, check and publish everything; dbt recomputes one past school year of the "
        "incremental models (run config `school_year: YYYY-YY`)."
    ),
    tags=WAREHOUSE_TAGS,
)
