"""Child rows whose parent row is not in the warehouse, quarantined at load with the reason.

An enrollment of a student the students table does not have cannot be attributed to anyone:
loading it would make an orphan that every join drops silently. So a child row whose parent is
missing goes to `raw._quarantine`, counted in its own file's accounting, with one of two rules:

- `parent_quarantined`: the parent row was delivered but is itself in quarantine (a student
  row with an impossible birth date takes its enrollments and attendance with it, and says so);
- `missing_parent`: no parent row was delivered at all.

Only parents of the same source are checked here (`contracts.FOREIGN_KEYS`): a source loads
its tables in contract order, so the parent table is the one loaded moments before. Parents in
another source (tutoring sessions → SIS students) may load after the child; those stay with the
quality suites and the bad-row share. A parent table not loaded yet is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.common.warehouse import RAW_SCHEMA, raw_table_exists
from ingestion.contracts import BY_RAW_NAME, FOREIGN_KEYS, TableContract
from warehouse.sql import quote_identifier, quote_literal


@dataclass(frozen=True)
class ParentRule:
    """A quarantine rule on one child column; `{value}` in the condition is the child's value."""

    column: str
    rule: str
    condition_sql: str


def parent_rules_for(con: duckdb.DuckDBPyConnection, contract: TableContract) -> list[ParentRule]:
    """A table's parent rules in check order: `parent_quarantined`, then `missing_parent`."""
    rules: list[ParentRule] = []
    for column, parent_table, parent_column in FOREIGN_KEYS.get(contract.raw_table, []):
        parent = BY_RAW_NAME[parent_table]
        if parent.source != contract.source or not raw_table_exists(con, parent_table):
            continue
        key = quote_identifier(parent_column)
        missing = (
            f"({{value}} is not null and {{value}} not in (select {key} "
            f"from {RAW_SCHEMA}.{quote_identifier(parent_table)} where {key} is not null))"
        )
        quarantined = (
            f"({missing} and {{value}} in (select json_extract_string(raw_record, "
            f"{quote_literal('$.' + parent_column)}) from {RAW_SCHEMA}._quarantine "
            f"where source = {quote_literal(parent.source)} "
            f"and table_name = {quote_literal(parent.name)}))"
        )
        rules.append(ParentRule(column, "parent_quarantined", quarantined))
        rules.append(ParentRule(column, "missing_parent", missing))
    return rules
