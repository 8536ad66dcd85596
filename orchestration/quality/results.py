"""quality/'s plain check results as Dagster asset check results.

A failure that blocks is ERROR (Dagster skips everything downstream of the table in the same
run); one that does not is WARN. Lists and mappings in the metadata show as JSON, the Data
Docs page as a link the UI opens.
"""

from __future__ import annotations

import dagster as dg

from quality.check_results import CheckResult


def asset_check_result(result: CheckResult, asset_key: dg.AssetKey) -> dg.AssetCheckResult:
    metadata = {
        name: dg.MetadataValue.json(value) if isinstance(value, list | dict) else value
        for name, value in result.metadata.items()
    }
    if result.data_docs_path is not None:
        metadata["data_docs"] = dg.MetadataValue.url(result.data_docs_path.resolve().as_uri())
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=result.check_name,
        passed=result.passed,
        severity=dg.AssetCheckSeverity.ERROR if result.is_blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )
