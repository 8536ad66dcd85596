"""`python -m bench.scaling` (or `python -m bench --sizes`): time and memory against size.

Runs the benchmark at each size of the series (generating each district once), or reuses a
size's `.bench/results-<profile>.json` from an earlier run unless `--rerun` is given, then
writes `.bench/scaling.json` and rewrites the generated table in docs/performance.md between its
`scaling` markers. For each step up in size the growth exponent k in time ∝ rows^k is shown:
k ≈ 1 is linear; k clearly above 1 is growth worse than linear, and the stage columns show where
it comes from.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from pathlib import Path

from bench.benchmark import REPO_ROOT, BenchOptions, run_benchmark

SERIES = ("tiny", "demo", "mid100k", "lausd")
RESULTS_DIR = REPO_ROOT / ".bench"
PERFORMANCE_DOC = REPO_ROOT / "docs" / "performance.md"
START_MARK = "<!-- scaling:start -->"
END_MARK = "<!-- scaling:end -->"


def growth_exponent(size_a: float, time_a: float, size_b: float, time_b: float) -> float | None:
    """k in time ∝ size^k between two measurements (None when undefined)."""
    if min(size_a, time_a, size_b, time_b) <= 0 or size_a == size_b:
        return None
    return round(math.log(time_b / time_a) / math.log(size_b / size_a), 2)


def scaling_rows(results_by_profile: dict[str, dict]) -> list[dict]:
    """One row per size, smallest first, with the exponent from the size before it."""
    rows = []
    for profile, results in results_by_profile.items():
        raw_rows = sum(results.get("rows", {}).values()) or sum(
            results.get("raw_load_rows", {}).values()
        )
        rows.append(
            {
                "profile": profile,
                "students": results.get("rows", {}).get("sis__students"),
                "raw_rows": raw_rows,
                "full_refresh_s": results.get("full_refresh_s"),
                "incremental_s": results.get("incremental_s"),
                "peak_rss_mb": results.get("peak_rss_mb"),
                "raw_load_s": results.get("raw_load_s"),
                "dbt_standalone_s": (results.get("dbt_standalone") or {}).get("wall_s"),
                "stages": results.get("stages", {}),
                "is_success": results.get("full_refresh", {}).get("is_success"),
                "load_average": results.get("machine", {}).get("load_average_at_start"),
            }
        )
    rows.sort(key=lambda r: r["raw_rows"])
    for before, after in zip(rows, rows[1:], strict=False):
        after["time_exponent"] = growth_exponent(
            before["raw_rows"],
            before["full_refresh_s"] or 0,
            after["raw_rows"],
            after["full_refresh_s"] or 0,
        )
        after["stage_exponents"] = {
            stage: growth_exponent(
                before["raw_rows"], before["stages"][stage], after["raw_rows"], seconds
            )
            for stage, seconds in after["stages"].items()
            if stage in before["stages"]
        }
        after["memory_exponent"] = growth_exponent(
            before["raw_rows"],
            before["peak_rss_mb"] or 0,
            after["raw_rows"],
            after["peak_rss_mb"] or 0,
        )
    return rows


def _stage_cell(row: dict, stage: str) -> str:
    seconds = row["stages"].get(stage)
    if seconds is None:
        return "—"
    exponent = row.get("stage_exponents", {}).get(stage)
    return f"{seconds:,.1f} s" + (f" (k {exponent:.2f})" if exponent is not None else "")


def scaling_markdown(rows: list[dict]) -> str:
    stages: list[str] = []
    for row in rows:
        stages += [s for s in row["stages"] if s not in stages]
    header = (
        "| size | students | raw rows | full refresh | k (time) | nightly | peak memory | "
        "k (memory) | raw load | dbt build alone | " + " | ".join(stages) + " |"
    )
    lines = [header, "|" + "---|" * (10 + len(stages))]
    for row in rows:

        def fmt(value, spec=",.1f", suffix=""):
            return "—" if value is None else f"{value:{spec}}{suffix}"

        cells = [
            f"`{row['profile']}`" + ("" if row["is_success"] else " (job failed)"),
            fmt(row["students"], ","),
            fmt(row["raw_rows"], ","),
            fmt(row["full_refresh_s"], suffix=" s"),
            fmt(row.get("time_exponent"), ".2f"),
            fmt(row["incremental_s"], suffix=" s"),
            fmt(row["peak_rss_mb"], ",.0f", " MB"),
            fmt(row.get("memory_exponent"), ".2f"),
            fmt(row["raw_load_s"], suffix=" s"),
            fmt(row["dbt_standalone_s"], suffix=" s"),
        ] + [_stage_cell(row, stage) for stage in stages]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_into_doc(doc: Path, table: str) -> None:
    """Replace the text between the scaling markers of `doc` (appending them if absent)."""
    text = doc.read_text() if doc.exists() else ""
    block = f"{START_MARK}\n{table}\n{END_MARK}"
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        text = head + block + rest.split(END_MARK, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling")
    parser.add_argument("--sizes", nargs="+", default=list(SERIES))
    parser.add_argument("--rerun", action="store_true", help="measure sizes already measured")
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args(argv)

    from bench.bench_profiles import register_bench_profiles

    register_bench_profiles()
    measured: dict[str, dict] = {}
    for profile in args.sizes:
        saved = RESULTS_DIR / f"results-{profile}.json"
        if saved.exists() and not args.rerun:
            measured[profile] = json.loads(saved.read_text())
            continue
        options = BenchOptions(
            profile=profile,
            workdir=RESULTS_DIR / "work" / profile,
            seed=20261120,
            as_of=date(2026, 11, 20),
        )
        measured[profile] = run_benchmark(options)
        saved.write_text(json.dumps(measured[profile], indent=2, default=str))
    rows = scaling_rows(measured)
    (RESULTS_DIR / "scaling.json").write_text(json.dumps(rows, indent=2, default=str))
    table = scaling_markdown(rows)
    print(table)
    if not args.no_doc:
        write_into_doc(PERFORMANCE_DOC, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
