"""How dbt nodes become Dagster assets: one translator for the whole project.

Sources map to the raw-table keys the ingestion assets produce (`raw/<source>__<table>`), so the
asset graph runs source → raw → staging → marts without a gap; models are grouped by layer
(`staging`, `intermediate`, `marts_<area>`) so the UI shows the flow the README draws.

The data tests of the published models (schemas `marts` and `restricted`) are Dagster asset
checks, shown on those assets. The tests of sources, staging and intermediate models run in the
same `dbt build` and still stop it (an error-severity failure fails the step, which stops every
publication), but are not modelled as checks: every check costs Dagster a planned event, an
evaluation event and an output event per run, about 1,100 events of bookkeeping a night for
the 330 tests on tables no one outside the team reads (sources are checked by the GX suites).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from orchestration.dbt.check_descriptions import describe_dbt_test
from orchestration.quality.freshness import freshness_policy

CHECKED_SCHEMAS = ("marts", "restricted")
"""Schemas of the models whose dbt tests are Dagster asset checks and whose tables the GX mart
suites check."""


class DistrictDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            identifier = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            return dg.AssetKey(["raw", identifier])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        if len(fqn) > 2 and fqn[1] == "marts":
            return f"marts_{fqn[2]}" if len(fqn) > 3 else "marts"
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:
        """Published models carry the freshness policy (orchestration/quality/freshness.py)."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("model.") and spec.key.path[0] in CHECKED_SCHEMAS:
            return spec.replace_attributes(freshness_policy=freshness_policy())
        return spec

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """An asset check for a test of a published model; None (not a check) otherwise."""
        if asset_spec.key.path[0] not in CHECKED_SCHEMAS:
            return None
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        test_node = manifest.get("nodes", {}).get(unique_id, {})
        return spec._replace(description=describe_dbt_test(test_node))
