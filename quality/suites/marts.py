"""GX suites for the marts: the measure contract, privacy of the open schema, and non-emptiness.

dbt's own tests already hold each model's grain (unique keys, relationships); these suites check
what a publication must never carry: a percent outside 0–100, a negative n, a student identifier
in an analyst-readable table, an empty mart. They are built from the columns a mart actually has,
so a new measure mart is covered the day it is added.
"""

from __future__ import annotations

from quality.suites.raw import ERROR, WARN, Rule

IDENTIFYING_COLUMNS = (
    "student_id",
    "state_student_id",
    "first_name",
    "last_name",
    "middle_name",
    "birth_date",
    "staff_id",
    "applicant_id",
)
MEASURE_COLUMNS = {"measure_code", "value"}


MAY_BE_EMPTY_WITH_EVERY_INPUT_PRESENT = {
    ("marts", "measure_english_learners"): "a district may enrol no English learners",
    ("restricted", "fct_student_el_reclassification"): "a district may enrol no English learners",
    ("restricted", "fct_student_ag_progress"): "a district may have no high school graduates yet",
    ("marts", "staff_retention"): "retention needs two school years of staff history",
}
"""Marts whose population a real district can lack while every source table is delivered:
their non-empty rule warns instead of blocking. Every other mart that comes out empty while its
inputs were present still blocks publication (an empty scorecard is a broken build)."""


def rules_for_mart(
    schema: str, table: str, columns: list[str], may_be_empty: bool = False
) -> list[Rule]:
    """Every rule for one mart given its column names; no non-empty rule when it may be empty
    (built on a source absent by configuration: then not even the warning of a mart whose
    population a district can lack, whose stated reason would be the wrong one)."""
    rules = []
    legitimately_empty = MAY_BE_EMPTY_WITH_EVERY_INPUT_PRESENT.get((schema, table))
    if may_be_empty:
        pass
    elif legitimately_empty:
        rules.append(
            Rule(
                "ExpectTableRowCountToBeBetween",
                {"min_value": 1},
                WARN,
                f"mart is not empty (may be: {legitimately_empty})",
            )
        )
    else:
        rules.append(
            Rule("ExpectTableRowCountToBeBetween", {"min_value": 1}, ERROR, "mart is not empty")
        )
    if schema != "restricted":
        identifying = ", ".join(f"'{c}'" for c in IDENTIFYING_COLUMNS)
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        "select column_name from information_schema.columns "
                        f"where table_schema = '{schema}' and table_name = '{table}' "
                        f"and column_name in ({identifying}) and exists (select 1 from {{batch}})"
                    )
                },
                ERROR,
                "no student or staff identifier in an analyst-readable mart",
            )
        )
    if set(columns) >= MEASURE_COLUMNS:
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        "select * from {batch} "
                        "where value is not null and (value < 0 or value > 100) "
                        "and measure_code in (select measure_code from reference.measure_catalog "
                        "where unit = 'percent')"
                    )
                },
                ERROR,
                "percent measures lie within 0–100",
            )
        )
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        "select * from {batch} where measure_code not in "
                        "(select measure_code from reference.measure_catalog)"
                    )
                },
                ERROR,
                "every measure_code is in the measure catalog",
            )
        )
    for column in ("denominator", "n", "numerator"):
        if column in columns:
            rules.append(
                Rule(
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "min_value": 0},
                    ERROR,
                    f"{column} is not negative",
                )
            )
    if "school_code" in columns and "student_group" in columns and "value" in columns:
        rules.append(
            Rule(
                "ExpectColumnValuesToNotBeNull",
                {"column": "school_code"},
                ERROR,
                "school_code is present",
            )
        )
        rules.append(
            Rule(
                "ExpectColumnValuesToNotBeNull",
                {"column": "student_group"},
                ERROR,
                "student_group is present",
            )
        )
    if "color" in columns:
        rules.append(
            Rule(
                "ExpectColumnValuesToBeInSet",
                {"column": "color", "value_set": ["Red", "Orange", "Yellow", "Green", "Blue"]},
                WARN,
                "colours are dashboard colours",
            )
        )
    return rules
