"""`python -m bench.exports_incremental --warehouse PATH`: time the publications from nothing,
again with nothing changed, and after one school year's rows change; check the incremental
result against a publication of the changed warehouse from nothing.

The warehouse is copied into the work folder first (the original is never opened for writing).
The change is simulated on a second copy, in the latest school year only, as the nightly run's
current-year dbt models produce it:

- `school-day` (default): what one more school day of attendance changes. Every attendance
  measure of the year moves (scorecard, equity gaps, measure_attendance: value and numerator),
  and every student's days enrolled in the year's attendance and early-warning facts grows by
  one. Other measures of the year keep their rows.
- `whole-year`: every table with a school_year column gets one numeric column (and its `value`,
  when it has one) changed on every row of the year (the worst case for a nightly run).

The phases: from nothing; again with nothing changed; the changed warehouse on top
(`incremental`); with `--verify`, the changed warehouse from nothing into another folder, and
the two compared; then the first warehouse again on top (`next_night`: the same rows change
back, as on a second night in a row).

Each publication is timed in wall seconds and in CPU seconds of this process and its children
(DuckDB's threads and the portal's forked half included), which the other work on a shared
machine disturbs less. Results go to
`<workdir>/results.json` and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path

import duckdb

from bench.benchmark import REPO_ROOT

DEFAULT_WORKDIR = REPO_ROOT / ".bench" / "exports"
ATTENDANCE_AREA = "attendance"


def _cpu_seconds() -> float:
    """CPU of this process and of its finished children (the portal's forked half)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def _timed(label: str, timings: dict, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), _cpu_seconds()
    result = function(*args, **kwargs)
    timings[label] = {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(_cpu_seconds() - cpu, 2),
    }
    return result


def publish_all(warehouse: Path, outputs: Path, version: str, manifest: Path | None) -> dict:
    """The three publications as the pipeline runs them; returns timings and what was reused."""
    from exports.bi import publish_marts
    from exports.open_data import build_portal, build_release

    timings: dict = {}
    bi = _timed(
        "bi_database",
        timings,
        publish_marts,
        warehouse,
        f"duckdb:///{outputs / 'bi' / 'district_bi.duckdb'}",
        manifest_path=manifest,
        parquet_dir=outputs / "bi" / "parquet",
    )
    release = _timed(
        "open_data_release",
        timings,
        build_release,
        warehouse,
        outputs / "open_data",
        release_version=version,
    )
    portal = _timed(
        "open_data_portal",
        timings,
        build_portal,
        release.release_dir,
        outputs / "open_data" / "portal",
    )
    timings["total"] = {
        key: round(sum(t[key] for t in timings.values()), 2) for key in ("wall_s", "cpu_s")
    }
    timings["reuse"] = {
        "bi_tables_rebuilt": len(bi.tables_rebuilt),
        "bi_tables_years_rebuilt": {name: years for name, years in bi.years_rebuilt.items()},
        "bi_tables_reused": len(bi.tables_reused),
        "parquet_files_written": len(bi.parquet_written),
        "parquet_files_reused": bi.parquet_reused,
        "bi_fingerprint_s": round(bi.fingerprint_seconds, 2),
        "release_years_rebuilt": release.years_rebuilt,
        "release_years_reused": release.years_reused,
        "portal_pages_rendered": portal.pages_rendered,
        "portal_pages_reused": portal.pages_reused,
        "portal_sections_rendered": portal.sections_rendered,
        "portal_sections_reused": portal.sections_reused,
    }
    return timings


def _numeric_column(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str | None:
    for name, data_type in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall():
        is_number = data_type in ("INTEGER", "BIGINT", "DOUBLE") or data_type.startswith("DECIMAL")
        if is_number and not name.endswith("_id"):
            return name
    return None


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.columns "
            "where table_schema = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        ).fetchone()[0]
    )


def simulate_change(warehouse: Path, mode: str) -> dict:
    """Change the latest school year's rows in place; return what was changed."""
    changed: dict[str, int] = {}
    with duckdb.connect(str(warehouse)) as con:
        year = con.execute("select max(school_year) from marts.school_scorecard").fetchone()[0]
        attendance_measures = [
            row[0]
            for row in con.execute(
                "select measure_code from reference.measure_catalog where area = ?",
                [ATTENDANCE_AREA],
            ).fetchall()
        ]

        def update(table: str, assignments: str, condition: str = "true") -> None:
            count = con.execute(
                f"update {table} set {assignments} where school_year = ? and {condition}", [year]
            ).fetchone()[0]
            changed[table] = count

        if mode == "school-day":
            measures = ", ".join(f"'{code}'" for code in attendance_measures)
            is_attendance = f"measure_code in ({measures})"
            update(
                "marts.school_scorecard",
                "value = value * 1.001, numerator = numerator + 1",
                f"{is_attendance} and value is not null",
            )
            update(
                "marts.equity_gaps",
                "value = value * 1.001, numerator = numerator + 1",
                f"{is_attendance} and value is not null",
            )
            update(
                "marts.measure_attendance",
                "value = value * 1.001, numerator = numerator + 1",
                "value is not null",
            )
            one_more_day = "days_enrolled = days_enrolled + 1"
            update("restricted.fct_student_school_year_attendance", one_more_day)
            update("restricted.fct_student_early_warning", one_more_day)
        elif mode == "whole-year":
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.columns "
                "where column_name = 'school_year' and table_schema in ('marts', 'restricted') "
                "order by 1, 2"
            ).fetchall():
                column = _numeric_column(con, schema, table)
                if column:
                    assignments = [f'"{column}" = "{column}" + 1']
                    if column != "value" and _has_column(con, schema, table, "value"):
                        assignments.append('"value" = "value" * 1.001')
                    update(f'{schema}."{table}"', ", ".join(assignments))
        else:
            raise ValueError(f"unknown change mode {mode!r}")
        con.execute("checkpoint")
    return {"school_year": year, "mode": mode, "rows_changed": changed}


def compare(outputs: Path, reference: Path) -> list[str]:
    from exports.consistency import (
        duckdb_file_differences,
        parquet_dir_differences,
        portal_differences,
        release_differences,
    )
    from exports.open_data.release import read_latest_version

    differences = []
    for name in ("district_bi.duckdb", "district_bi_restricted.duckdb"):
        differences += duckdb_file_differences(outputs / "bi" / name, reference / "bi" / name)
    differences += parquet_dir_differences(outputs / "bi" / "parquet", reference / "bi" / "parquet")
    releases = [
        folder / "open_data" / "releases" / read_latest_version(folder / "open_data")
        for folder in (outputs, reference)
    ]
    differences += release_differences(*releases)
    differences += portal_differences(
        outputs / "open_data" / "portal", reference / "open_data" / "portal"
    )
    return differences


def run(warehouse: Path, workdir: Path, mode: str, verify: bool, manifest: Path | None) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    base = workdir / "warehouse.duckdb"
    changed = workdir / "warehouse_changed.duckdb"
    outputs = workdir / "outputs"
    reference = workdir / "outputs_from_nothing"
    for path in (outputs, reference):
        shutil.rmtree(path, ignore_errors=True)
    if not base.exists() or base.stat().st_size != warehouse.stat().st_size:
        shutil.copyfile(warehouse, base)
        os.chmod(base, 0o644)
    shutil.copyfile(base, changed)
    os.chmod(changed, 0o644)
    results: dict = {
        "warehouse": str(warehouse),
        "load_average_at_start": os.getloadavg(),
        "from_nothing": publish_all(base, outputs, "bench-1", manifest),
        "unchanged": publish_all(base, outputs, "bench-2", manifest),
    }
    results["change"] = simulate_change(changed, mode)
    results["incremental"] = publish_all(changed, outputs, "bench-3", manifest)
    if verify:
        results["changed_from_nothing"] = publish_all(changed, reference, "bench-3", manifest)
        results["differences"] = compare(outputs, reference)
    # The next night changes the same rows again (back to the first warehouse): the steady
    # state of nightly runs, after the first one has moved the current year's rows.
    results["next_night"] = publish_all(base, outputs, "bench-4", manifest)
    results["bi_file_bytes"] = {
        name: (outputs / "bi" / name).stat().st_size
        for name in ("district_bi.duckdb", "district_bi_restricted.duckdb")
    }
    results["load_average_at_end"] = os.getloadavg()
    return results


def _print(results: dict) -> None:
    phases = [
        phase
        for phase in (
            "from_nothing",
            "unchanged",
            "incremental",
            "next_night",
            "changed_from_nothing",
        )
        if phase in results
    ]
    print(f"{'publication':<20}" + "".join(f"{p:>24}" for p in phases))
    for label in ("bi_database", "open_data_release", "open_data_portal", "total"):
        cells = [
            f"{results[p][label]['wall_s']:>8.1f} s (cpu {results[p][label]['cpu_s']:>5.1f})"
            for p in phases
        ]
        print(f"{label:<20}" + "".join(f"{c:>24}" for c in cells))
    print("change:", json.dumps(results["change"]))
    print("incremental reuse:", json.dumps(results["incremental"]["reuse"]))
    if "differences" in results:
        print("differences from a publication from nothing:", results["differences"] or "none")
    print("load average:", results["load_average_at_start"], "->", results["load_average_at_end"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports_incremental")
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--change", choices=("school-day", "whole-year"), default="school-day")
    parser.add_argument("--verify", action="store_true", help="compare with a build from nothing")
    parser.add_argument("--manifest", type=Path, default=None, help="dbt manifest for comments")
    args = parser.parse_args(argv)
    results = run(args.warehouse, args.workdir, args.change, args.verify, args.manifest)
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    _print(results)
    return 1 if results.get("differences") else 0


if __name__ == "__main__":
    raise SystemExit(main())
