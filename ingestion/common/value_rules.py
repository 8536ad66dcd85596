"""Values that cast to their contract type but cannot be true, quarantined at load with the rule.

The line between this module and the quality suites (`quality/suites/raw.py`): a value goes to
quarantine here when no reading of it can be right, and loading it would change a measure —
a negative tutoring duration hides real minutes in a sum, an absent fraction of -0.25 gives a
student a quarter day back, a 9 on a 1–5 item moves a school's favourable share, attendance in
2031 or a birth date after today has not happened, and a calendar day outside its row's school
year is counted in the wrong year. Values that are unusual but possible (an unknown code) are
loaded and flagged by the quality suites instead, where a district can widen a rule without
touching ingestion.

"Today" is the district's date (`DISTRICT_TIMEZONE`, as for drop folders); a timestamp is in the
future when its date in that zone is after today. An item's scale is read from the survey's
item dictionary (`raw.survey__items`, loaded just before the responses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb

from ingestion.common.warehouse import raw_table_exists
from warehouse.sql import quote_literal


@dataclass(frozen=True)
class ValueRule:
    """A quarantine rule on one typed column; `condition_sql` is true for a bad value.

    Placeholders: `{value}` the column's typed value (never NULL when checked); `{col[name]}`
    another column's typed value on the same row; `{today}` the district's date; `{tz}` its
    time zone; `{scale_min}` / `{scale_max}` the answered item's scale (survey responses).
    """

    raw_table: str
    column: str
    rule: str
    condition_sql: str


_FUTURE_DATE = "{value} > {today}"
_FUTURE_TIMESTAMP = "cast(timezone({tz}, {value}) as date) > {today}"
_YEAR_START = "try_cast(left({col[school_year]}, 4) as integer)"
_OUTSIDE_SCHOOL_YEAR = (
    f"{{value}} not between make_date({_YEAR_START}, 7, 1) and make_date({_YEAR_START} + 1, 6, 30)"
)

VALUE_RULES: tuple[ValueRule, ...] = (
    ValueRule("tutoring__sessions", "duration_minutes", "negative_minutes", "{value} < 0"),
    ValueRule("tutoring__sessions", "started_at", "future_timestamp", _FUTURE_TIMESTAMP),
    ValueRule("tutoring__acceleration_days", "event_date", "future_date", _FUTURE_DATE),
    ValueRule("tutoring__acceleration_days", "hours_attended", "negative_hours", "{value} < 0"),
    ValueRule(
        "sis__attendance", "absent_fraction", "fraction_out_of_range", "{value} not between 0 and 1"
    ),
    ValueRule("sis__attendance", "attendance_date", "future_date", _FUTURE_DATE),
    ValueRule("sis__discipline_incidents", "incident_date", "future_date", _FUTURE_DATE),
    ValueRule("sis__students", "birth_date", "future_date", _FUTURE_DATE),
    ValueRule("sis__assessments", "test_date", "future_date", _FUTURE_DATE),
    ValueRule("sis__assessments", "test_date", "outside_school_year", _OUTSIDE_SCHOOL_YEAR),
    ValueRule("sis__calendar_days", "calendar_date", "outside_school_year", _OUTSIDE_SCHOOL_YEAR),
    ValueRule("sis__enrollments", "entry_date", "outside_school_year", _OUTSIDE_SCHOOL_YEAR),
    ValueRule("survey__responses", "started_at", "future_timestamp", _FUTURE_TIMESTAMP),
    ValueRule("survey__responses", "submitted_at", "future_timestamp", _FUTURE_TIMESTAMP),
    ValueRule(
        "survey__responses",
        "response_value",
        "off_scale",
        "({value} < {scale_min} or {value} > {scale_max})",
    ),
)


def value_rules_for(raw_table: str, column: str) -> list[ValueRule]:
    """The value rules of one column, in the order they are checked."""
    return [r for r in VALUE_RULES if r.raw_table == raw_table and r.column == column]


class _Columns:
    """`{col[name]}` in a condition: another column's typed value, from the loader."""

    def __init__(self, typed_column: Callable[[str], str]) -> None:
        self._typed_column = typed_column

    def __getitem__(self, column: str) -> str:
        return self._typed_column(column)


def _item_scale_sql(con: duckdb.DuckDBPyConnection, bound: str, item_sql: str) -> str:
    """A CASE giving each dictionary item's scale bound (NULL for an item not in it)."""
    rows = (
        con.execute(
            f"select item_id, {bound} from raw.survey__items where {bound} is not null"
        ).fetchall()
        if raw_table_exists(con, "survey__items")
        else []
    )
    if not rows:
        return "cast(null as integer)"
    branches = " ".join(f"when {quote_literal(item)} then {int(v)}" for item, v in rows)
    return f"(case {item_sql} {branches} end)"


def render_condition(
    con: duckdb.DuckDBPyConnection,
    rule: ValueRule,
    value_sql: str,
    typed_column: Callable[[str], str],
    timezone: str,
) -> str:
    """The rule's condition as SQL for one loader: true for a bad value, never NULL.

    `timezone` is the district's (`SourceSettings.district_timezone`, the one the schedules and
    the drop-age check use): it decides "today" and the local date of a UTC timestamp."""
    zone = timezone
    today = datetime.now(ZoneInfo(zone)).date().isoformat()
    fields = {
        "value": value_sql,
        "col": _Columns(typed_column),
        "today": f"date {quote_literal(today)}",
        "tz": quote_literal(zone),
    }
    if "{scale_" in rule.condition_sql:
        item_sql = typed_column("item_id")
        fields["scale_min"] = _item_scale_sql(con, "scale_min", item_sql)
        fields["scale_max"] = _item_scale_sql(con, "scale_max", item_sql)
    return f"coalesce({rule.condition_sql.format(**fields)}, false)"
