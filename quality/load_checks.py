"""Checks on the loads themselves, read from `raw._load_audit`: accounting, volume, freshness.

They are plain SQL over the audit table the loaders write, so they cost nothing at any scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb


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
