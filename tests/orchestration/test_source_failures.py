"""A source error is retried only when a retry can pass; any other fails the step once."""

import dagster as dg
import pytest

from ingestion.common.errors import TRANSIENT_RULES
from ingestion.sis.drops import SisSourceError, discover_drops
from orchestration.sources.assets import _failure_of


def test_an_empty_landing_folder_fails_once_naming_the_rule_and_folder(tmp_path):
    with pytest.raises(SisSourceError) as raised:
        discover_drops(tmp_path)
    failure = _failure_of(raised.value)
    assert isinstance(failure, dg.Failure)
    assert failure.allow_retries is False
    assert failure.description.startswith("sis [no_drop] no SIS drop")
    assert failure.metadata["rule"].value == "no_drop"
    assert failure.metadata["file"].value == str(tmp_path)


@pytest.mark.parametrize("rule", sorted(TRANSIENT_RULES))
def test_errors_a_retry_can_pass_are_raised_for_the_retry_policy(rule):
    error = SisSourceError("SIS drop 2026-11-20 is still arriving", rule=rule)
    assert _failure_of(error) is error


@pytest.mark.parametrize("rule", ["no_drop", "truncated_row", "missing_column", "row_accounting"])
def test_errors_that_fail_the_same_way_every_time_forbid_retries(rule):
    failure = _failure_of(SisSourceError("bad delivery", rule=rule, source_file="x.csv"))
    assert isinstance(failure, dg.Failure)
    assert failure.allow_retries is False
