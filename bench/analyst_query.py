"""The analyst's scorecard query timed against the BI database a run published.

The run's outputs folder is searched for a DuckDB file holding `marts.school_scorecard` (the
restricted companion file is skipped). When the pipeline published none, one is published from
the warehouse with `exports.bi.publish_marts`, and the result says so, since that publish is then
not part of the timed run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class AnalystQuery:
    milliseconds: float | None
    bi_database: str | None
    school_code: str | None
    through_school_year: str | None
    scorecard_rows: int | None
    is_published_by_bench: bool
    note: str = ""


def _has_scorecard(path: Path) -> bool:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'marts' and table_name = 'school_scorecard'"
            ).fetchall()[0][0]
        )
    finally:
        con.close()


def find_bi_database(outputs_dir: Path) -> Path | None:
    """The newest DuckDB file under `outputs_dir` that holds the published scorecard."""
    candidates = sorted(
        (
            p
            for p in Path(outputs_dir).rglob("*.duckdb")
            if "_restricted" not in p.stem and not p.name.startswith(".")
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return next((p for p in candidates if _has_scorecard(p)), None)


def _busiest_school(bi_database: Path) -> tuple[str, str, int]:
    """The school with the most scorecard rows (the heaviest lookup) and the newest school year."""
    con = duckdb.connect(str(bi_database), read_only=True)
    try:
        (school_code,) = con.execute(
            "select school_code from marts.school_scorecard where school_code is not null "
            "group by school_code order by count(*) desc, school_code limit 1"
        ).fetchall()[0]
        newest_year, total = con.execute(
            "select max(school_year), count(*) from marts.school_scorecard"
        ).fetchall()[0]
    finally:
        con.close()
    return str(school_code), str(newest_year), int(total)


def time_analyst_query(
    outputs_dir: Path, warehouse_path: Path, manifest_path: Path | None
) -> AnalystQuery:
    from exports.bi.analyst_queries import time_school_scorecard_query

    bi_database = find_bi_database(outputs_dir)
    is_published_by_bench = False
    if bi_database is None:
        if not _has_scorecard(warehouse_path):
            return AnalystQuery(
                None,
                None,
                None,
                None,
                None,
                False,
                "the warehouse has no marts.school_scorecard to publish",
            )
        from exports.bi import publish_marts

        bi_database = Path(outputs_dir) / "bench_bi" / "district_bi.duckdb"
        bi_database.parent.mkdir(parents=True, exist_ok=True)
        publish_marts(
            warehouse_path,
            f"duckdb:///{bi_database}",
            manifest_path=manifest_path if manifest_path and manifest_path.exists() else None,
        )
        is_published_by_bench = True
    school_code, newest_year, total = _busiest_school(bi_database)
    milliseconds = time_school_scorecard_query(f"duckdb:///{bi_database}", school_code, newest_year)
    note = (
        "the run published no BI database; published one with exports.bi.publish_marts"
        if is_published_by_bench
        else "BI database published by the run"
    )
    return AnalystQuery(
        round(milliseconds, 2),
        str(bi_database),
        school_code,
        newest_year,
        total,
        is_published_by_bench,
        note,
    )
