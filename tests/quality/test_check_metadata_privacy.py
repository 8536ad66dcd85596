"""A failing rule's example values never reach the Dagster event log: counts and rule names only."""

from pathlib import Path
from types import SimpleNamespace

import dagster as dg

from orchestration.quality.results import asset_check_result
from quality.check_results import suite_result


def _outcome_metadata(outcome) -> dict:
    """The metadata the Dagster event log gets for a suite's outcome."""
    return asset_check_result(
        suite_result("raw.sis__students", outcome, 0), dg.AssetKey("x")
    ).metadata


def _failing_outcome(data_docs_path):
    failure = SimpleNamespace(
        success=False,
        description="birth_date is a plausible date",
        severity="warning",
        unexpected_count=2,
        examples=["S0000123", "2019-02-30", "Ramirez"],
        error=None,
    )
    return SimpleNamespace(
        outcomes=[failure, SimpleNamespace(success=True)],
        blocking_failures=[],
        warnings=[failure],
        data_docs_path=data_docs_path,
    )


def test_check_metadata_carries_counts_and_rule_names_but_no_example_value(tmp_path):
    page = tmp_path / "docs" / "index.html"
    metadata = _outcome_metadata(_failing_outcome(page))
    text = repr(metadata)
    for value in ("S0000123", "2019-02-30", "Ramirez"):
        assert value not in text
    assert metadata["failed_warning"].value == 1
    assert "birth_date is a plausible date" in text
    assert metadata["data_docs"] == dg.MetadataValue.url(Path(page).resolve().as_uri())


def test_a_run_without_data_docs_has_no_link():
    assert "data_docs" not in _outcome_metadata(_failing_outcome(None))
