"""Values that cast to their contract type but cannot be true, quarantined at load.

The line between this module and the quality suites (`quality/suites/raw.py`): a value goes to
quarantine here only when no reading of it can be right — a tutoring session cannot last a
negative number of minutes, so summing it into dosage would only hide real minutes. Values that
are unusual but possible (an unknown code, a date outside the school year, a date after the
load) are loaded and flagged by the quality suites instead, where a district can widen a rule
without touching ingestion.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ValueRule:
    """A quarantine rule on one typed column; `condition_sql` is true for a bad value.

    `{value}` in the condition stands for the column's typed value (never NULL when checked).
    """

    raw_table: str
    column: str
    rule: str
    condition_sql: str


VALUE_RULES: tuple[ValueRule, ...] = (
    ValueRule("tutoring__sessions", "duration_minutes", "negative_minutes", "{value} < 0"),
    ValueRule("tutoring__acceleration_days", "hours_attended", "negative_hours", "{value} < 0"),
)


def value_rules_for(raw_table: str, column: str) -> list[ValueRule]:
    """The value rules of one column, in the order they are checked."""
    return [r for r in VALUE_RULES if r.raw_table == raw_table and r.column == column]
