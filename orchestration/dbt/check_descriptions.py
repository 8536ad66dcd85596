"""A plain-language description of each dbt data test, for the asset check it becomes.

dagster-dbt leaves a test's check without a description unless the YAML writes one, and the
project's 100-odd tests on published models write none: the UI then shows only a generated name
such as `unique_combination_of_columns_school_scorecard_school_year__...`. The description says
what the rule holds and what a failure does, from the test's own metadata in the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_REF = re.compile(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)")
_LISTED_VALUES = 8


def _columns(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _values(values: list[Any]) -> str:
    shown = ", ".join(str(value) for value in values[:_LISTED_VALUES])
    more = len(values) - _LISTED_VALUES
    return shown + (f" and {more} more" if more > 0 else "")


def _rule(name: str, kwargs: Mapping[str, Any]) -> str:
    column = kwargs.get("column_name")
    if name == "not_null":
        return f"`{column}` is never null."
    if name == "not_null_columns":
        return f"None of {_columns(kwargs.get('columns', []))} is null."
    if name == "unique":
        return f"No two rows share a `{column}`."
    if name == "unique_combination_of_columns":
        return f"One row per {_columns(kwargs.get('combination_of_columns', []))}."
    if name == "accepted_values":
        return f"`{column}` is one of {_values(list(kwargs.get('values', [])))}."
    if name == "relationships":
        target = _REF.search(str(kwargs.get("to", "")))
        table = target.group(1) if target else str(kwargs.get("to", ""))
        return f"Every `{column}` is a `{kwargs.get('field')}` of {table}."
    on = f" on `{column}`" if column else ""
    return f"dbt test `{name}`{on}."


def describe_dbt_test(test_node: Mapping[str, Any]) -> str:
    """What the test holds (its own YAML description when it has one), where it applies, and
    whether a failure stops the build (severity error) or only warns."""
    written = (test_node.get("description") or "").strip()
    metadata = test_node.get("test_metadata") or {}
    config = test_node.get("config") or {}
    rule = written or _rule(
        metadata.get("name", test_node.get("name", "")), metadata.get("kwargs") or {}
    )
    where = config.get("where")
    scope = f" Rows checked: where {where}." if where else ""
    if str(config.get("severity", "error")).lower() == "warn":
        outcome = " A failure warns; publishing goes on."
    else:
        outcome = " A failure stops the dbt build, so nothing is published from it."
    return rule + scope + outcome
