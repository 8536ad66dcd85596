"""The floor a pipeline is measured against: DuckDB alone loading the same raw files once.

Every file the full refresh reads is loaded into a fresh on-disk DuckDB database with DuckDB's
own readers and no casting, lineage, quarantine or checks: the SIS CSVs the ingestion would
choose (the same newest-drop rules), the tutoring API pages, the survey exports, the planning
file, and the HR SQLite tables. DuckDB has no SQLite scanner built in here (extensions cannot be
installed), so HR, a few thousand rows, goes through Python's sqlite3 into an Arrow table.

The benchmark loads the files three times right before the full refresh and three times right
after it (`raw_load_series`), so the baseline and the run it is compared with share the same
moments of a shared machine; each figure is the median of its three loads.
`ratio_to_raw_load = full_refresh_s / raw_load_s`, with `raw_load_s` the mean of the two medians,
then says how much the whole pipeline (typing, quality, dbt, exports) costs on top of merely
reading the data.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.contracts import SIS_TABLES
from ingestion.sis.drops import discover_drops, select_files
from warehouse.sql import quote_literal

BASELINE_MEMORY_LIMIT = "4GB"


@dataclass(frozen=True)
class RawLoad:
    seconds: float
    rows: dict[str, int]
    seconds_by_table: dict[str, float]


@dataclass(frozen=True)
class RawLoadSeries:
    """Consecutive raw loads of the same files: each load's seconds and the median load."""

    runs_s: tuple[float, ...]
    median: RawLoad

    @property
    def seconds(self) -> float:
        return self.median.seconds


def _list_literal(paths: list[Path]) -> str:
    return "[" + ", ".join(quote_literal(str(p)) for p in paths) + "]"


def _source_selects(sources_dir: Path) -> dict[str, str]:
    """table name → the DuckDB SELECT that reads it from the landing files."""
    selects = {}
    drops = discover_drops(sources_dir / "sis")
    for contract in SIS_TABLES:
        files = [f.path for f in select_files(drops, contract)]
        selects[contract.raw_table] = (
            f"select * from read_csv({_list_literal(files)}, header = true, union_by_name = true)"
        )
    for endpoint in ("sessions", "acceleration_days"):
        pages = sorted((sources_dir / "tutoring" / endpoint).glob("page-*.json"))
        if pages:
            selects[f"tutoring__{endpoint}"] = (
                f"select unnest(data, recursive := true) "
                f"from read_json({_list_literal(pages)}, format = 'auto')"
            )
    survey = sources_dir / "survey"
    selects["survey__items"] = (
        f"select * from read_csv({quote_literal(str(survey / 'item_dictionary.csv'))}, "
        f"header = true)"
    )
    responses = sorted(survey.glob("responses__*.csv"))
    if responses:
        selects["survey__responses"] = (
            f"select * from read_csv({_list_literal(responses)}, header = true, "
            f"union_by_name = true, filename = true)"
        )
    selects["planning__school_targets"] = (
        f"select * from read_csv("
        f"{quote_literal(str(sources_dir / 'planning' / 'school_targets.csv'))}, header = true)"
    )
    return selects


def _load_hr(con: duckdb.DuckDBPyConnection, hr_file: Path, rows: dict, timings: dict) -> None:
    sqlite = sqlite3.connect(f"file:{hr_file}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in sqlite.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            )
        ]
        for table in tables:
            started = time.perf_counter()
            cursor = sqlite.execute(f'select * from "{table}"')
            names = [d[0] for d in cursor.description]
            columns = list(zip(*cursor.fetchall(), strict=True)) or [()] * len(names)
            arrow_table = pa.table(
                {n: pa.array(list(c)) for n, c in zip(names, columns, strict=True)}
            )
            con.register("hr_arrow", arrow_table)
            con.execute(f'create table "hr__{table}" as select * from hr_arrow')
            con.unregister("hr_arrow")
            rows[f"hr__{table}"] = arrow_table.num_rows
            timings[f"hr__{table}"] = round(time.perf_counter() - started, 3)
    finally:
        sqlite.close()


def time_raw_load(sources_dir: Path, database_path: Path) -> RawLoad:
    """Load every raw file into a new DuckDB file at `database_path` (removed afterwards)."""
    sources_dir = Path(sources_dir)
    database_path = Path(database_path)
    database_path.unlink(missing_ok=True)
    rows: dict[str, int] = {}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    # The same memory budget the pipeline is held to, so the floor is not bought with memory.
    con = duckdb.connect(
        str(database_path),
        config={"memory_limit": BASELINE_MEMORY_LIMIT},
    )
    try:
        con.execute("set enable_progress_bar = false")
        for table, select in _source_selects(sources_dir).items():
            table_started = time.perf_counter()
            con.execute(f'create table "{table}" as {select}')
            timings[table] = round(time.perf_counter() - table_started, 3)
            rows[table] = con.execute(f'select count(*) from "{table}"').fetchall()[0][0]
        hr_file = sources_dir / "hr" / "hr.sqlite"
        if hr_file.is_file():
            _load_hr(con, hr_file, rows, timings)
        con.execute("checkpoint")
    finally:
        con.close()
    seconds = time.perf_counter() - started
    database_path.unlink(missing_ok=True)
    Path(f"{database_path}.wal").unlink(missing_ok=True)
    return RawLoad(round(seconds, 2), rows, timings)


def raw_load_series(sources_dir: Path, database_path: Path, runs: int = 3) -> RawLoadSeries:
    """`runs` raw loads back to back; the figure is the median load (the lower middle if even)."""
    loads = [time_raw_load(sources_dir, database_path) for _ in range(runs)]
    middle = sorted(loads, key=lambda load: load.seconds)[(runs - 1) // 2]
    return RawLoadSeries(tuple(load.seconds for load in loads), middle)


def bracketed_baseline_s(before: RawLoadSeries, after: RawLoadSeries) -> float:
    """The baseline of a run timed between two series: the mean of their medians."""
    return round(statistics.fmean([before.seconds, after.seconds]), 2)
