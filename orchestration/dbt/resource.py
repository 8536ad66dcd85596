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

Every invocation also gets the warehouse's location as the dbt var `warehouse_path`
(profiles.yml reads it first), merged into the `--vars` the caller passes, so the dbt
subprocess is told where the warehouse is without this process writing its environment.

The first two override private members of dagster-dbt 0.29 (pinned in pyproject.toml); the
end-to-end test runs every dbt step through this resource, so a version of dagster-dbt that
moved them fails there, not in production.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version

WAREHOUSE_PATH_VAR = "warehouse_path"
"""The dbt var profiles.yml reads the DuckDB file from (before WAREHOUSE_PATH)."""


def with_warehouse_var(args: Sequence[str], warehouse_path: str) -> list[str]:
    """`args` with `warehouse_path` added to their `--vars` (or a `--vars` of its own)."""
    args = list(args)
    if "--vars" in args:
        position = args.index("--vars") + 1
        run_vars = json.loads(args[position])
        run_vars[WAREHOUSE_PATH_VAR] = warehouse_path
        args[position] = json.dumps(run_vars, sort_keys=True)
        return args
    return [*args, "--vars", json.dumps({WAREHOUSE_PATH_VAR: warehouse_path})]


class DistrictDbtCliResource(DbtCliResource):
    warehouse_path: str

    def cli(self, args: Sequence[str], **kwargs):
        """dagster-dbt's `cli()`, with the warehouse's path among the dbt vars."""
        return super().cli(with_warehouse_var(args, self.warehouse_path), **kwargs)

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None
