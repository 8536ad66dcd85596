"""How dbt nodes become Dagster assets: one translator for the whole project.

Sources map to the raw-table keys the ingestion assets produce (`raw/<source>__<table>`), so the
asset graph runs source → raw → staging → marts without a gap; models are grouped by layer
(`staging`, `intermediate`, `marts_<area>`) so the UI shows the flow the README draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


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
