"""Landing one more school day: the SIS drop a nightly refresh would find the next morning.

A real SIS drops the current school year's year-scoped files plus every snapshot table each
night, one folder per drop date. This copies the newest drop's current-year files and snapshots
into a new folder dated the next school day and appends one more instructional day of attendance
exceptions to the current year's attendance file. The appended rows are the previous recorded
day's exceptions moved to the new day, kept only for students still enrolled at a school whose
calendar has the new day as instructional, so the day's volume and code mix are realistic. All
of it runs as DuckDB COPY statements: no Python loop touches a row.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ingestion.contracts import SIS_TABLES
from warehouse.sql import quote_literal

# Left inside every drop this module writes, so a rerun can remove its own drops and only those.
BENCH_DROP_MARKER = ".bench_nightly_drop"
_DROP_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_FILE = re.compile(r"^(?P<table>[a-z_]+)__(?P<year>\d{4}-\d{2})\.csv$")


@dataclass(frozen=True)
class NightlyDrop:
    drop_dir: Path
    drop_date: date
    new_school_day: date
    current_school_year: str
    attendance_rows_added: int
    files: tuple[str, ...]
    seconds: float
    # The last day attendance was recorded for before this drop: the other sources' nights
    # replay that day's activity on the new one.
    previous_school_day: date | None = None


def remove_bench_drops(landing_dir: Path) -> list[Path]:
    """Delete the drops an earlier benchmark added, leaving the landing as generated."""
    removed = []
    for folder in sorted(Path(landing_dir).iterdir()):
        if folder.is_dir() and (folder / BENCH_DROP_MARKER).exists():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def _drops(landing_dir: Path) -> list[Path]:
    return sorted(
        p for p in Path(landing_dir).iterdir() if p.is_dir() and _DROP_FOLDER.match(p.name)
    )


def _newest_year_files(drops: list[Path]) -> tuple[str, dict[str, Path]]:
    """The current (newest) school year and, per year-scoped table, its newest file for it."""
    years = {
        m.group("year")
        for drop in drops
        for f in drop.glob("*__*.csv")
        if (m := _YEAR_FILE.match(f.name))
    }
    if not years:
        raise FileNotFoundError(f"no year-scoped SIS files under {drops[0].parent}")
    current = max(years)
    files: dict[str, Path] = {}
    for drop in reversed(drops):
        for path in drop.glob(f"*__{current}.csv"):
            files.setdefault(path.name.split("__")[0], path)
    return current, files


def _newest_snapshots(drops: list[Path]) -> dict[str, Path]:
    snapshots: dict[str, Path] = {}
    names = [c.name for c in SIS_TABLES if not c.year_scoped]
    for drop in reversed(drops):
        for name in names:
            if (drop / f"{name}.csv").is_file():
                snapshots.setdefault(name, drop / f"{name}.csv")
    return snapshots


def _csv(path: Path) -> str:
    return f"read_csv({quote_literal(str(path))}, header = true, all_varchar = true)"


def next_school_days(
    con: duckdb.DuckDBPyConnection, calendar_csv: Path, last_recorded: date
) -> tuple[date, date | None]:
    """The first instructional day after `last_recorded` (at any school) and the one after it."""
    days = [
        row[0]
        for row in con.execute(
            f"select distinct cast(calendar_date as date) as day from {_csv(calendar_csv)} "
            f"where day_type = 'INSTR' and cast(calendar_date as date) > ? order by day limit 2",
            [last_recorded],
        ).fetchall()
    ]
    if not days:
        raise ValueError(f"no instructional day after {last_recorded} in {calendar_csv}")
    return days[0], days[1] if len(days) > 1 else None


def land_next_school_day(landing_dir: Path) -> NightlyDrop:
    """Write the next nightly SIS drop under `landing_dir` and describe it."""
    started = time.perf_counter()
    landing_dir = Path(landing_dir)
    drops = _drops(landing_dir)
    if not drops:
        raise FileNotFoundError(f"no SIS drop under {landing_dir}")
    current_year, year_files = _newest_year_files(drops)
    missing = {"attendance", "calendar_days", "enrollments"} - set(year_files)
    if missing:
        raise FileNotFoundError(f"{current_year}: no {', '.join(sorted(missing))} file to extend")
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        attendance = year_files["attendance"]
        last_recorded = con.execute(
            f"select max(cast(attendance_date as date)) from {_csv(attendance)}"
        ).fetchall()[0][0]
        new_day, following = next_school_days(con, year_files["calendar_days"], last_recorded)
        newest_drop_date = date.fromisoformat(drops[-1].name)
        drop_date = max(
            following or new_day + timedelta(days=1), newest_drop_date + timedelta(days=1)
        )
        drop_dir = landing_dir / drop_date.isoformat()
        if drop_dir.exists():
            shutil.rmtree(drop_dir)
        drop_dir.mkdir()
        (drop_dir / BENCH_DROP_MARKER).write_text(f"new_school_day={new_day}\n")

        written = []
        for path in [*_newest_snapshots(drops).values(), *year_files.values()]:
            if path == attendance:
                continue
            shutil.copyfile(path, drop_dir / path.name)
            written.append(path.name)

        new_day_text = quote_literal(new_day.isoformat())
        con.execute(
            f"""
            create temp table new_day_rows as
            with open_schools as (
                select distinct school_code from {_csv(year_files["calendar_days"])}
                where day_type = 'INSTR' and cast(calendar_date as date) = {new_day_text}::date
            ),
            enrolled as (
                select distinct student_id, school_code from {_csv(year_files["enrollments"])}
                where cast(entry_date as date) <= {new_day_text}::date
                  and (exit_date is null or cast(exit_date as date) >= {new_day_text}::date)
            )
            select previous_day.* replace ({new_day_text} as attendance_date)
            from {_csv(attendance)} as previous_day
            semi join open_schools using (school_code)
            semi join enrolled using (student_id, school_code)
            where cast(previous_day.attendance_date as date) = ?
        """,
            [last_recorded],
        )
        added = con.execute("select count(*) from new_day_rows").fetchall()[0][0]
        target = drop_dir / attendance.name
        con.execute(
            f"copy (select * from {_csv(attendance)} union all by name "
            f"select * from new_day_rows) to {quote_literal(str(target))} (header, delimiter ',')"
        )
        written.append(attendance.name)
    finally:
        con.close()
    return NightlyDrop(
        drop_dir,
        drop_date,
        new_day,
        current_year,
        int(added),
        tuple(sorted(written)),
        round(time.perf_counter() - started, 2),
        last_recorded,
    )
