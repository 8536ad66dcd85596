"""Ed-Fi descriptor values → the contract's codes, through a table the district edits.

The table is a CSV of `descriptor,code_value,code` (`descriptor_map.csv` beside this module,
shipped with the Ed-Fi default values; `EDFI_DESCRIPTOR_MAP` points at a district's own copy).
A descriptor URI `uri://ed-fi.org/GradeLevelDescriptor#Ninth grade` is matched on its
descriptor type and code value (`GradeLevelDescriptor`, `Ninth grade`), both case-insensitive
and whatever the namespace, so a district namespace (`uri://gbisd.edu/…`) using an Ed-Fi
default value maps too; a district's own values are added as rows. A descriptor with no row is
never guessed: the record is quarantined with rule `unmapped_descriptor`, the column and the
URI (`contract_selects.py`).

In SQL the map is the session variable `edfi_descriptor_codes` and two macros:
`edfi_code(uri)` (the code, or NULL) and `edfi_unmapped(uri)` (the URI when it is present and
has no code, else NULL).
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ingestion.sis.drops import SisSourceError

DEFAULT_DESCRIPTOR_MAP = Path(__file__).with_name("descriptor_map.csv")
_COLUMNS = ["descriptor", "code_value", "code"]


def read_descriptor_map(path: Path = DEFAULT_DESCRIPTOR_MAP) -> dict[str, str]:
    """`descriptortype#codevalue` (lower case) → contract code; errors name file and row."""
    path = Path(path)
    if not path.is_file():
        raise SisSourceError(
            f"Ed-Fi descriptor map not found: {path}", rule="missing_file", source_file=str(path)
        )
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _COLUMNS:
            raise SisSourceError(
                f"{path}: header must be {','.join(_COLUMNS)}, found {reader.fieldnames}",
                rule="missing_column",
                source_file=str(path),
            )
        for row_number, row in enumerate(reader, start=1):
            key = descriptor_key(row["descriptor"], row["code_value"])
            code = (row["code"] or "").strip()
            if not code or key in mapping and mapping[key] != code:
                rule = "required_missing" if not code else "conflicting_mapping"
                raise SisSourceError(
                    f"{path} row {row_number}: {row['descriptor']}#{row['code_value']} "
                    + ("has no code" if not code else f"maps to {mapping[key]} and {code}"),
                    rule=rule,
                    source_file=str(path),
                    source_row=row_number,
                )
            mapping[key] = code
    return mapping


def descriptor_key(descriptor: str, code_value: str) -> str:
    return f"{descriptor.strip().lower()}#{code_value.strip().lower()}"


def register_descriptor_map(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> None:
    """Make `edfi_code(uri)` and `edfi_unmapped(uri)` available on `con`."""
    con.execute(
        "set variable edfi_descriptor_codes = map(?::varchar[], ?::varchar[])",
        [list(mapping), list(mapping.values())],
    )
    con.execute(
        "create or replace temp macro edfi_key(uri) as "
        "lower(regexp_extract(uri, '([A-Za-z0-9]+Descriptor)#', 1)) || '#' "
        "|| lower(trim(split_part(uri, '#', 2)))"
    )
    con.execute(
        "create or replace temp macro edfi_code(uri) as "
        "getvariable('edfi_descriptor_codes')[edfi_key(uri)]"
    )
    con.execute(
        "create or replace temp macro edfi_unmapped(uri) as "
        "case when nullif(trim(uri), '') is not null and edfi_code(uri) is null then uri end"
    )
