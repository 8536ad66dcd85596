"""The dbt CLI resource: dagster-dbt's, without two start-up costs this project does not use.

Before it starts `dbt`, dagster-dbt's `DbtCliResource.cli()` runs `dbt --version` in a
subprocess (to tell dbt Core from the Fusion engine) and builds an in-process handle on the
warehouse adapter (used only to fetch row counts and column metadata onto materializations).
Together they cost about 5 seconds per dbt step, a tenth of a nightly run's budget:

- the version comes from the installed dbt-core package instead: the project runs the dbt of
  its own environment (orchestration/definitions.py) and pins dbt-core below 2 (the Fusion
  engine is version 2), so the package's version is the executable's;
- no adapter handle is built: without one dagster-dbt skips its row-count and column-metadata
  fetching, which this project does instead from DuckDB's catalog once dbt has exited
  (orchestration/dbt/table_metadata.py: DuckDB has one writer, and while dbt runs it is dbt).

Both override private members of dagster-dbt 0.29 (pinned in pyproject.toml); the end-to-end
test runs every dbt step through this resource, so a version of dagster-dbt that moved them
fails there, not in production.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version


class DistrictDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None
