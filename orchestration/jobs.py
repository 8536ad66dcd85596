"""Jobs: the full refresh that materializes every asset, in one process.

The in-process executor is chosen on purpose: the warehouse is one DuckDB file that takes a
single writer, and a subprocess per step would re-import dbt and GX for every step (several
seconds each) for no parallelism the file could use.

Its runs cover every school-year partition (tags of the partition range from the first year to
the current one), so the dbt step rebuilds every year in one `dbt build --full-refresh` and the
UI shows each year built by it.
"""

import dagster as dg

from orchestration.partitions import ALL_YEARS_TAGS
from orchestration.sources.load_mode import LOAD_MODE_TAG, WHOLE

full_refresh_job = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "Load every source whole, check every row, build and test every dbt model, publish."
    ),
    # One run at a time may write the warehouse: the QueuedRunCoordinator limits this tag.
    tags={"district/warehouse": "duckdb", LOAD_MODE_TAG: WHOLE, **ALL_YEARS_TAGS},
)
