"""Sources and SIS tables a district does not have, declared in configuration.

A district without a tutoring vendor, a survey platform, an HR database or a planning file, or
whose SIS exports no discipline, registrations, assessments or course grades, says so in
`DISTRICT_ABSENT_SOURCES` (comma-separated: source names and/or those SIS table names). Each
absent raw table is created empty and materialized with zero rows, "absent by configuration";
its checks pass without running, and the marts built on it are empty by design, so their
non-empty rule is not applied. A mart that is empty while every input was present still blocks.
The dbt step passes the names on (dbt var `absent_sources`), so the scorecard, the open-data release
and the portal show each measure of an absent source as "not reported by the district".
The core SIS tables (schools, students, calendar, enrolments, attendance, programs) cannot be
absent: no measure is computed without them.

The SIS tables the district's `SIS_FORMAT` has no source for are absent without being named:
with Ed-Fi, registrations and course grades (`ingestion.sis.tables_not_supplied`); so are the
HR tables its `HR_FORMAT` has none for: with Ed-Fi staff, positions, vacancies, applications
and application events (`ingestion.hr.tables_not_supplied`).
"""

from __future__ import annotations

import json
import os
from functools import cache

from ingestion.contracts import ALL_TABLES, tables_for

ABSENT_SOURCES_ENV = "DISTRICT_ABSENT_SOURCES"
SIS_FORMAT_ENV = "SIS_FORMAT"
HR_FORMAT_ENV = "HR_FORMAT"
ABSENT_BY_CONFIGURATION = "absent by configuration"
OPTIONAL_SOURCES = ("hr", "tutoring", "survey", "planning")
OPTIONAL_SIS_TABLES = {
    "discipline": "sis__discipline_incidents",
    "discipline_incidents": "sis__discipline_incidents",
    "registrations": "sis__registrations",
    "assessments": "sis__assessments",
    "course_grades": "sis__course_grades",
}


class AbsentSourcesError(ValueError):
    """DISTRICT_ABSENT_SOURCES names something that cannot be absent."""


def absent_raw_tables(
    value: str | None = None, sis_format: str | None = None, hr_format: str | None = None
) -> frozenset[str]:
    """The raw tables declared absent (`value`, else the environment variable), and those the
    SIS format (`sis_format`, else `SIS_FORMAT`) and the HR format (`hr_format`, else
    `HR_FORMAT`) do not supply."""
    from ingestion.hr import tables_not_supplied as hr_not_supplied
    from ingestion.sis import tables_not_supplied

    text = os.environ.get(ABSENT_SOURCES_ENV, "") if value is None else value
    if sis_format is None:
        sis_format = os.environ.get(SIS_FORMAT_ENV, "")
    if hr_format is None:
        hr_format = os.environ.get(HR_FORMAT_ENV, "")
    tables: set[str] = set(tables_not_supplied(sis_format.strip().lower() or "csv"))
    tables |= hr_not_supplied(hr_format.strip().lower() or "database")
    for name in (part.strip().lower() for part in text.split(",")):
        if not name:
            continue
        if name in OPTIONAL_SOURCES:
            tables.update(contract.raw_table for contract in tables_for(name))
        elif name in OPTIONAL_SIS_TABLES:
            tables.add(OPTIONAL_SIS_TABLES[name])
        else:
            allowed = ", ".join([*OPTIONAL_SOURCES, *sorted(OPTIONAL_SIS_TABLES)])
            raise AbsentSourcesError(
                f"{ABSENT_SOURCES_ENV}: {name!r} cannot be declared absent (allowed: {allowed})"
            )
    return frozenset(tables)


SIS_TABLE_NAMES = ("discipline", "registrations", "assessments", "course_grades")
"""The optional SIS tables by the names the measure catalog's `optional_source` uses."""


def absent_source_names(
    value: str | None = None, sis_format: str | None = None, hr_format: str | None = None
) -> tuple[str, ...]:
    """The sources and optional SIS tables absent (`absent_raw_tables`), validated and named as
    the measure catalog names them (`discipline_incidents` is `discipline`), sorted."""
    absent = absent_raw_tables(value, sis_format, hr_format)
    names = {source for source in OPTIONAL_SOURCES if is_source_absent(source, absent)}
    names |= {name for name in SIS_TABLE_NAMES if OPTIONAL_SIS_TABLES[name] in absent}
    return tuple(sorted(names))


def is_source_absent(source: str, absent: frozenset[str]) -> bool:
    """True when every raw table of `source` is absent."""
    return {contract.raw_table for contract in tables_for(source)} <= absent


@cache
def _raw_ancestors_by_relation(manifest_text: str) -> dict[tuple[str, str], frozenset[str]]:
    manifest = json.loads(manifest_text)
    nodes, sources = manifest["nodes"], manifest["sources"]
    raw_names = {contract.raw_table for contract in ALL_TABLES}
    memo: dict[str, frozenset[str]] = {}

    def ancestors(unique_id: str) -> frozenset[str]:
        if unique_id not in memo:
            memo[unique_id] = frozenset()  # a cycle cannot occur in dbt; guards the recursion
            found: set[str] = set()
            for parent in nodes.get(unique_id, {}).get("depends_on", {}).get("nodes", []):
                if parent in sources and sources[parent]["identifier"] in raw_names:
                    found.add(sources[parent]["identifier"])
                elif parent in nodes:
                    found |= ancestors(parent)
            memo[unique_id] = frozenset(found)
        return memo[unique_id]

    return {
        (node["schema"], node["alias"] or node["name"]): ancestors(unique_id)
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model"
    }


def raw_ancestors(manifest_text: str, schema: str, table: str) -> frozenset[str]:
    """The raw tables a dbt relation is built from, followed through every model between."""
    return _raw_ancestors_by_relation(manifest_text).get((schema, table), frozenset())


def is_empty_by_design(manifest_text: str, schema: str, table: str, absent: frozenset[str]) -> bool:
    """True when a relation reads at least one absent raw table, so may be empty."""
    return bool(raw_ancestors(manifest_text, schema, table) & absent)


def empty_absent_tables(con, contracts) -> None:
    """Replace each given raw table by an empty one with its contract's columns."""
    from ingestion.common.typed_load import raw_table_ddl
    from ingestion.common.warehouse import ensure_raw_schema

    ensure_raw_schema(con)
    for contract in contracts:
        con.execute(f"create or replace table raw.{contract.raw_table} ({raw_table_ddl(contract)})")
