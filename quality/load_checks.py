"""Checks on the loads themselves: accounting, volume, bad-row share, freshness.

They are plain SQL over the audit table the loaders write, so they cost nothing at any scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ingestion.common.warehouse import raw_table_exists
from ingestion.contracts import BY_RAW_NAME, FOREIGN_KEYS, TableContract


@dataclass(frozen=True)
class LoadCheck:
    name: str
    passed: bool
    severity: str
    message: str
    metadata: dict


def _loads(con: duckdb.DuckDBPyConnection, source: str, table: str, limit: int = 2) -> list:
    return con.execute(
        "select rows_read, rows_loaded, rows_quarantined, loaded_at, "
        "coalesce(table_rows, rows_loaded), coalesce(rows_collapsed, 0) from raw._load_audit "
        "where source = ? and table_name in (?, ?) order by loaded_at desc limit ?",
        [source, table, f"{source}__{table}", limit],
    ).fetchall()


def row_accounting(con, source: str, table: str) -> LoadCheck:
    """rows read = loaded + quarantined + collapsed repeats, for the latest load of the table."""
    loads = _loads(con, source, table, 1)
    if not loads:
        return LoadCheck("row_accounting", False, "ERROR", f"no load recorded for {table}", {})
    read, loaded, quarantined, _, _, collapsed = loads[0]
    ok = read == loaded + quarantined + collapsed
    return LoadCheck(
        "row_accounting",
        ok,
        "ERROR",
        f"read {read:,} {'=' if ok else '!='} loaded {loaded:,} + quarantined "
        f"{quarantined:,} + collapsed {collapsed:,}",
        {
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_collapsed": collapsed,
        },
    )


def volume_change(con, source: str, table: str, max_change_share: float) -> LoadCheck:
    """Flag a drop or spike in the table's rows beyond `max_change_share` of the last load's.

    Tables are compared, not loads: a nightly load that replaces one year's file reads a
    fraction of the table, and a load that finds its files unchanged reads nothing.
    """
    loads = _loads(con, source, table, 2)
    if len(loads) < 2:
        return LoadCheck("volume_change", True, "WARN", "first load: nothing to compare", {})
    current, previous = loads[0][4], loads[1][4]
    change = (current - previous) / previous if previous else (1.0 if current else 0.0)
    ok = abs(change) <= max_change_share
    return LoadCheck(
        "volume_change",
        ok,
        "WARN",
        f"{previous:,} → {current:,} rows ({change:+.1%}; limit ±{max_change_share:.0%})",
        {"previous_rows": previous, "current_rows": current, "change_share": round(change, 4)},
    )


def _cross_source_orphans(con, contract: TableContract) -> int:
    """Rows of the table whose parent, in another source, is not in the warehouse.

    Parents of the same source are enforced at load (`ingestion/common/parent_rules.py`): such
    rows are in quarantine already and would be counted twice here.
    """
    conditions = [
        f"({column} is not null and {column} not in "
        f"(select {parent_column} from raw.{parent} where {parent_column} is not null))"
        for column, parent, parent_column in FOREIGN_KEYS.get(contract.raw_table, [])
        if BY_RAW_NAME[parent].source != contract.source and raw_table_exists(con, parent)
    ]
    if not conditions or not raw_table_exists(con, contract.raw_table):
        return 0
    return con.execute(
        f"select count(*) from raw.{contract.raw_table} where {' or '.join(conditions)}"
    ).fetchone()[0]


def bad_row_share(con, contract: TableContract, max_share: float) -> LoadCheck:
    """Blocks when more than `max_share` of a table's rows are quarantined or orphaned.

    One bad row must not take a district's publication down, and a broken delivery must not
    publish: below the share the check warns (the rows' keys are in the restricted
    `raw._quarantine`) and the rest publishes; above it, it fails with severity ERROR. The
    share is of the rows delivered: the table's rows plus its quarantined rows.
    """
    quarantined = con.execute(
        "select count(*) from raw._quarantine where source = ? and table_name = ?",
        [contract.source, contract.name],
    ).fetchone()[0]
    rows = 0
    if raw_table_exists(con, contract.raw_table):
        rows = con.execute(f"select count(*) from raw.{contract.raw_table}").fetchone()[0]
    orphans = _cross_source_orphans(con, contract)
    bad, delivered = quarantined + orphans, rows + quarantined
    share = bad / delivered if delivered else 0.0
    blocks = share > max_share
    message = (
        f"{bad:,} of {delivered:,} rows ({share:.2%}) quarantined or orphaned; limit "
        f"{max_share:.2%}: "
        + ("nothing of the table publishes" if blocks else "the rest publishes")
    )
    return LoadCheck(
        "bad_row_share",
        bad == 0,
        "ERROR" if blocks else "WARN",
        message if bad else f"no row of {delivered:,} quarantined or orphaned",
        {
            "rows_quarantined": quarantined,
            "rows_orphaned": orphans,
            "rows_delivered": delivered,
            "bad_share": round(share, 6),
        },
    )


def sis_drop_freshness(con, today: date, max_age_days: int) -> LoadCheck:
    """The SIS drop loaded is today's (or at most `max_age_days` old)."""
    newest = con.execute("select max(_drop_date) from raw.sis__schools").fetchone()[0]
    if newest is None:
        return LoadCheck("drop_freshness", False, "WARN", "no SIS drop loaded", {})
    age = (today - newest).days
    ok = age <= max_age_days
    return LoadCheck(
        "drop_freshness",
        ok,
        "WARN",
        f"newest SIS drop {newest} is {age} day(s) old (limit {max_age_days})",
        {"newest_drop": str(newest), "age_days": age},
    )
