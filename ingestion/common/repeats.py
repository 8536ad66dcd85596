"""Rows delivered more than once for one key: one is kept, the others are counted, never blocking.

Sources re-send rows: a SIS export that overlaps its previous page, a correction appended to a
file, a vendor page served twice. Loading every copy would count a student-day twice; failing
the load would stop a whole night for one re-sent row. So, among the rows one load writes:

- an **exact repeat** (every contract column equal to the kept row's) is collapsed: rule
  `exact_repeat`;
- a **conflicting repeat** (same key, some value different) is resolved by the precedence
  below, and the row not kept is reported: rule `conflicting_repeat`, a warning on the load.

Precedence, first difference wins: the newest drop (`_drop_date`, SIS); then the most severe
record where the table ranks severity (`SEVERITY_ORDER`: attendance keeps the largest
`absent_fraction`, then OSS, UNX, EXC, PRT, ISS, TDY); then the newest source change
(`last_modified_at` / `updated_at`); then the later file and row (a correction is appended).

Every row not kept is written to `raw._collapsed_rows` (restricted: the whole row as JSON and
the row kept in its place) and counted as `rows_collapsed`, so rows read = rows loaded + rows
quarantined + rows collapsed. Only the rows of the load itself are compared: in a nightly
file delta, a key repeated across a changed and an unchanged file is left to the key-uniqueness
check.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.common.warehouse import RAW_SCHEMA
from ingestion.contracts import TableContract, lineage_columns
from warehouse.sql import quote_identifier

SEVERITY_ORDER: dict[str, str] = {
    "sis__attendance": (
        "absent_fraction desc nulls last, "
        "case attendance_code when 'OSS' then 1 when 'UNX' then 2 when 'EXC' then 3 "
        "when 'PRT' then 4 when 'ISS' then 5 when 'TDY' then 6 else 7 end"
    ),
}
_CHANGE_COLUMNS = ("last_modified_at", "updated_at")


@dataclass(frozen=True)
class Repeats:
    """What collapsing did: rows removed, and how many of those disagreed with the kept row."""

    collapsed: int = 0
    conflicting: int = 0


def precedence_order(contract: TableContract) -> str:
    """ORDER BY of the rows sharing a key, best first (the first row is kept)."""
    parts = []
    if "_drop_date" in lineage_columns(contract.source):
        parts.append("_drop_date desc nulls last")
    if contract.raw_table in SEVERITY_ORDER:
        parts.append(SEVERITY_ORDER[contract.raw_table])
    parts += [f"{c} desc nulls last" for c in _CHANGE_COLUMNS if c in contract.columns]
    parts.append("_source_file desc, _source_row desc")
    return ", ".join(parts)


def collapse_repeats(
    con: duckdb.DuckDBPyConnection,
    target: str,
    contract: TableContract,
    params: dict,
    load_id: str,
) -> Repeats:
    """Keep one row per key among the rows this load wrote to `target` (`_loaded_at` = now).

    Runs inside the load's transaction. The common case, no repeated key, costs one GROUP BY.
    """
    key = ", ".join(quote_identifier(k) for k in contract.key)
    this_load = "_loaded_at = $loaded_at"
    con.execute(
        f"create or replace temp table _repeated_keys as select {key} from {target} "
        f"where {this_load} group by {key} having count(*) > 1",
        params,
    )
    try:
        if not con.execute("select count(*) from _repeated_keys").fetchone()[0]:
            return Repeats()
        same_values = " and ".join(
            f"row.{quote_identifier(c)} is not distinct from kept.{quote_identifier(c)}"
            for c in contract.columns
        )
        con.execute(
            f"""
            create or replace temp table _ranked_repeats as
            select *, row_number() over (partition by {key} order by {precedence_order(contract)})
                as repeat_rank
            from {target} semi join _repeated_keys using ({key})
            where {this_load}
            """,
            params,
        )
        same_key = " and ".join(
            f"row.{quote_identifier(k)} = kept.{quote_identifier(k)}" for k in contract.key
        )
        source, table = contract.source, contract.name
        con.execute(
            f"""
            insert into {RAW_SCHEMA}._collapsed_rows
            select
                $source, $table_name, row._source_file, row._source_row,
                case when {same_values} then 'exact_repeat' else 'conflicting_repeat' end,
                kept._source_file, kept._source_row,
                cast(to_json(row) as varchar), $loaded_at, $load_id
            from _ranked_repeats as row
            join _ranked_repeats as kept on {same_key} and kept.repeat_rank = 1
            where row.repeat_rank > 1
            """,
            {**params, "source": source, "table_name": table, "load_id": load_id},
        )
        same_row = " and ".join(
            f"{target}.{quote_identifier(c)} = row.{quote_identifier(c)}"
            for c in (*contract.key, "_source_file", "_source_row")
        )
        collapsed = con.execute(
            f"delete from {target} using (select * from _ranked_repeats where repeat_rank > 1) "
            f"as row where {target}._loaded_at = $loaded_at and {same_row}",
            params,
        ).fetchone()[0]
        conflicting = con.execute(
            f"select count(*) from {RAW_SCHEMA}._collapsed_rows "
            "where load_id = ? and rule = 'conflicting_repeat'",
            [load_id],
        ).fetchone()[0]
        return Repeats(collapsed=collapsed, conflicting=conflicting)
    finally:
        con.execute("drop table if exists _repeated_keys")
        con.execute("drop table if exists _ranked_repeats")
