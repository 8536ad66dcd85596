"""One Great Expectations suite per raw table, derived from the source contract.

Every expectation carries `meta.severity`: ERROR checks block everything downstream (a broken
contract, duplicate keys), WARN checks annotate the run (codes or ranges a district may
legitimately extend; orphans, which block only past a share of the table: the load check
`bad_row_share` in `quality/load_checks.py`). The rules come from `ingestion/contracts.py` and
`quality/code_sets.py`, so adding a column to a contract adds its checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.contracts import ALL_TABLES, FOREIGN_KEYS, TableContract, lineage_columns
from quality.code_sets import CODE_SETS, RANGES

ERROR, WARN = "ERROR", "WARN"


@dataclass(frozen=True)
class Rule:
    """A GX expectation to build: its class name, keyword arguments and severity."""

    expectation: str
    kwargs: dict
    severity: str
    description: str


# Dates that must fall inside the school year named on the same row (July 1 – June 30).
DATES_IN_SCHOOL_YEAR: dict[str, str] = {
    "sis__calendar_days": "calendar_date",
    "sis__enrollments": "entry_date",
    "sis__assessments": "test_date",
}

# Dates that can never lie after the load (a record of something that has not happened yet).
NOT_IN_FUTURE: dict[str, str] = {
    "sis__attendance": "attendance_date",
    "sis__discipline_incidents": "incident_date",
    "tutoring__sessions": "started_at",
    "sis__students": "birth_date",
}


def _school_year_sql(date_column: str) -> str:
    """The `YYYY-YY` school year containing a date (years start July 1)."""
    start = (
        f"(extract(year from {date_column}) "
        f"- case when extract(month from {date_column}) < 7 then 1 else 0 end)"
    )
    return f"cast({start} as varchar) || '-' || lpad(cast(({start} + 1) % 100 as varchar), 2, '0')"


def rules_for(contract: TableContract) -> list[Rule]:
    """Every rule of one raw table, in the order they are reported."""
    table = contract.raw_table
    columns = [*contract.columns, *lineage_columns(contract.source)]
    rules = [
        Rule(
            "ExpectTableColumnsToMatchSet",
            {"column_set": columns, "exact_match": True},
            ERROR,
            "columns match the source contract",
        ),
        Rule("ExpectTableRowCountToBeBetween", {"min_value": 1}, ERROR, "table is not empty"),
    ]
    for column in contract.required:
        rules.append(
            Rule("ExpectColumnValuesToNotBeNull", {"column": column}, ERROR, f"{column} is present")
        )
    if len(contract.key) == 1:
        rules.append(
            Rule(
                "ExpectColumnValuesToBeUnique",
                {"column": contract.key[0]},
                ERROR,
                f"{contract.key[0]} is unique",
            )
        )
    else:
        # GX's compound-uniqueness rule joins a GROUP BY back to every row of the table (66 s on
        # 30 million attendance rows); the duplicated keys themselves are one GROUP BY.
        key = ", ".join(contract.key)
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        f"select {key}, count(*) as rows_with_key from {{batch}} "
                        f"group by {key} having count(*) > 1"
                    )
                },
                ERROR,
                f"({key}) is unique",
            )
        )
    for (code_table, column), values in CODE_SETS.items():
        if code_table == table:
            rules.append(
                Rule(
                    "ExpectColumnValuesToBeInSet",
                    {"column": column, "value_set": values},
                    WARN,
                    f"{column} uses the contract's codes",
                )
            )
    for (range_table, column), (low, high) in RANGES.items():
        if range_table == table:
            rules.append(
                Rule(
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "min_value": low, "max_value": high},
                    WARN,
                    f"{column} within [{low}, {high}]",
                )
            )
    for column, parent, parent_column in FOREIGN_KEYS.get(table, []):
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        f"select * from {{batch}} where {column} is not null and {column} not in "
                        f"(select {parent_column} from raw.{parent} "
                        f"where {parent_column} is not null)"
                    )
                },
                WARN,
                f"every {column} exists in raw.{parent}",
            )
        )
    if table in DATES_IN_SCHOOL_YEAR:
        column = DATES_IN_SCHOOL_YEAR[table]
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        f"select * from {{batch}} where {column} is not null "
                        f"and {_school_year_sql(column)} <> school_year"
                    )
                },
                WARN,
                f"{column} falls inside the row's school year",
            )
        )
    if table in NOT_IN_FUTURE:
        column = NOT_IN_FUTURE[table]
        rules.append(
            Rule(
                "UnexpectedRowsCountExpectation",
                {
                    "unexpected_rows_query": (
                        f"select * from {{batch}} "
                        f"where cast({column} as date) > cast(_loaded_at as date)"
                    )
                },
                WARN,
                f"{column} is not in the future",
            )
        )
    return rules


RAW_RULES: dict[str, list[Rule]] = {t.raw_table: rules_for(t) for t in ALL_TABLES}

WHOLE_TABLE_EXPECTATIONS = frozenset({"ExpectTableRowCountToBeBetween"})
"""Rules about the table as a whole, left out when only its newly loaded rows are validated
(a night may add no rows to a table; the load checks compare its size with the last load)."""


def rules_for_new_rows(raw_table: str) -> list[Rule]:
    return [r for r in RAW_RULES[raw_table] if r.expectation not in WHOLE_TABLE_EXPECTATIONS]
