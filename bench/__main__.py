"""`python -m bench [--profile P] [--nights N] [--workdir DIR] [--skip-generate] [--sizes]`.

Writes `.bench/results.json` and prints the figures against the targets, pass or fail each.
`BENCH_PROFILE` and `BENCH_NIGHTS` set the defaults of `--profile` and `--nights`, so
`BENCH_PROFILE=tiny BENCH_NIGHTS=1 make bench` is a CI-sized run of every step (a couple of
minutes). `--sizes` runs the scaling series instead (see `bench.scaling`).
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path

from bench.benchmark import REPO_ROOT, BenchOptions, run_benchmark
from bench.targets import markdown_table, stage_table

DEFAULT_RESULTS = REPO_ROOT / ".bench" / "results.json"


def summary_markdown(results: dict) -> str:
    runs = {"full refresh": results.get("stages", {})}
    if "incremental" in results:
        runs[f"nightly ({results.get('incremental_job')})"] = results["incremental"]["stages"]
    machine = results["machine"]
    lines = [
        f"### Benchmark: profile `{results['profile']}`, {results['timestamp']}",
        "",
        markdown_table(results),
        "",
        stage_table(runs),
        "",
        f"Raw rows: {sum(results.get('rows', {}).values()):,} in {len(results.get('rows', {}))} "
        f"tables (attendance {results.get('rows', {}).get('sis__attendance', 0):,}); "
        f"generation {results.get('generation_s')} s"
        f"{' (reused)' if results.get('generation_reused') else ''}.",
        f"Machine: {machine.get('cpu_model')}, {machine['cores']} cores, "
        f"{machine['memory_gb']} GB, on {machine.get('date')}; load average (1, 5, 15 min) "
        f"{machine['load_average_at_start']} at start, {machine.get('load_average_at_end')} "
        f"at end (other work shares this machine).",
    ]
    if "raw_load_before" in results:
        before, after = results["raw_load_before"], results["raw_load_after"]
        lines.append(
            f"Raw load baseline, median of three right before the full refresh "
            f"{before['median_s']:.2f} s ({', '.join(f'{x:.2f}' for x in before['runs_s'])}) "
            f"and right after {after['median_s']:.2f} s "
            f"({', '.join(f'{x:.2f}' for x in after['runs_s'])}): ratio "
            f"{results['ratio_to_raw_load_before']:.1f}× / "
            f"{results['ratio_to_raw_load_after']:.1f}× to each, "
            f"{results['ratio_to_raw_load']:.1f}× to their mean."
        )
    sections = results.get("sections") or {}
    if sections:
        lines.append(
            "Load average by timed section (start → end): "
            + "; ".join(
                f"{name} {record['load_average_at_start']} → {record.get('load_average_at_end')}"
                for name, record in sections.items()
            )
            + "."
        )
    nights = results.get("incremental_nights") or []
    if len(nights) > 1:
        lines.append(
            "Nightly refreshes, one school day each: "
            + ", ".join(f"night {n['night']} {n['wall_s']:.1f} s" for n in nights)
            + f"; the figure is the median (night {results['incremental'].get('night')})."
        )
    for night in results.get("nightly_drops") or []:
        lines.append(f"Night brought: {night_brought(night)}.")
    for label in ("full_refresh", "incremental"):
        run = results.get(label, {})
        if run.get("is_stopped_for_memory"):
            lines.append(
                f"**{label} was stopped for memory** after {run['wall_s']:,.0f} s; "
                f"steps finished: {', '.join(run.get('steps', {}))}"
            )
        elif run and not run.get("is_success"):
            lines.append(f"**{label} did not succeed**: " + "; ".join(run.get("failures", [])[:3]))
    return "\n".join(lines)


def night_brought(drop: dict) -> str:
    """One night's additions in words, from its `nightly_drops` record."""
    sis, hr = drop.get("sis", {}), drop.get("hr", {})
    return (
        f"SIS drop {sis.get('drop_date')} +{sis.get('attendance_rows_added', 0):,} attendance "
        f"rows, +{drop.get('tutoring', {}).get('sessions_added', 0):,} tutoring sessions, "
        f"HR +{hr.get('applications_added', 0):,} applications "
        f"+{hr.get('funnel_steps_added', 0):,} funnel steps {hr.get('separations', 0):,} "
        f"separations, +{drop.get('survey', {}).get('responses_added', 0):,} survey responses"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default=os.environ.get("BENCH_PROFILE", "lausd"))
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="default .bench/work/<profile>: sources, warehouse, outputs",
    )
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument(
        "--skip-generate", action="store_true", help="use the sources already in the workdir"
    )
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument(
        "--nights",
        type=int,
        default=int(os.environ.get("BENCH_NIGHTS", "3")),
        help="nightly refreshes on consecutive school days; the figure is their median",
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=16.0,
        help="stop a pipeline run whose processes hold more than this (0: no limit)",
    )
    parser.add_argument(
        "--sizes",
        action="store_true",
        help="run the scaling series (tiny, demo, mid, lausd) instead",
    )
    args = parser.parse_args(argv)
    if args.sizes:
        from bench.scaling import main as scaling_main

        return scaling_main([])
    from bench.bench_profiles import register_bench_profiles

    register_bench_profiles()
    options = BenchOptions(
        profile=args.profile,
        workdir=args.workdir or REPO_ROOT / ".bench" / "work" / args.profile,
        seed=args.seed,
        as_of=args.as_of,
        is_generation_skipped=args.skip_generate,
        is_incremental_skipped=args.skip_incremental,
        nights=max(1, args.nights),
        max_rss_mb=args.max_rss_gb * 1024 or None,
    )
    results = run_benchmark(options)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, default=str))
    # Kept per profile as well, so the scaling series can reuse a size measured on its own.
    per_profile = DEFAULT_RESULTS.with_name(f"results-{args.profile}.json")
    per_profile.parent.mkdir(parents=True, exist_ok=True)
    per_profile.write_text(json.dumps(results, indent=2, default=str))
    print()
    print(summary_markdown(results))
    print(f"\nresults: {args.results}")
    is_success = results["full_refresh"].get("is_success") and (
        args.skip_incremental or results["incremental"].get("is_success")
    )
    return 0 if is_success else 1


if __name__ == "__main__":
    raise SystemExit(main())
