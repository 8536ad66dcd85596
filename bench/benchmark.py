"""One benchmark of one district size: generate, baseline, full refresh, baseline, nights, query.

Each Dagster run happens in a child process (`bench.run_job`) with the environment a deployment
would set, so its memory is measured alone (generation and the raw-load baseline run here, in the
parent) and the definitions load exactly as in production. Both runs share one Dagster instance
in a fresh DAGSTER_HOME under the workdir, as nightly runs share a deployed instance.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import yaml

from bench.analyst_query import time_analyst_query
from bench.dbt_timing import newest_run_results, seconds_by_resource_type, slowest_nodes
from bench.generation import ensure_generated, read_marker
from bench.machine import describe_machine, load_average, timed_section
from bench.nightly_drop import remove_bench_drops
from bench.nightly_sources import land_night
from bench.pristine_sources import PristineSources
from bench.process_tree import run_measured, self_peak_rss_mb
from bench.raw_load import RawLoadSeries, bracketed_baseline_s, raw_load_series
from bench.stages import seconds_by_stage

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
LOCAL_INSTANCE = REPO_ROOT / "dagster.local.yaml"


@dataclass(frozen=True)
class BenchOptions:
    profile: str
    workdir: Path
    seed: int
    as_of: date
    is_generation_skipped: bool = False
    is_incremental_skipped: bool = False
    # Nightly refreshes on consecutive school days; the figure is their median, since one run on
    # this shared virtual machine can vary by 10 % from the next.
    nights: int = 3
    # The benchmark shares its machine: a run past this is stopped rather than left to the
    # kernel's out-of-memory killer, which may pick someone else's process.
    max_rss_mb: float | None = 16 * 1024


@dataclass(frozen=True)
class WorkPaths:
    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def dbt_target(self) -> Path:
        return self.root / "dbt_target"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pristine(self) -> PristineSources:
        """The generated versions of the source files benchmark nights change in place."""
        return PristineSources(self.sources, self.root / "pristine_sources")


def _log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def refresh_manifest() -> float:
    """Parse the dbt project so the manifest the definitions load matches the models on disk.

    dagster-dbt maps every event of `dbt build` to a manifest node; a manifest older than the
    models fails the run on the first node it does not know. Returns the seconds parsing took.
    """
    started = time.perf_counter()
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    subprocess.run(
        [dbt, "parse", "--profiles-dir", ".", "--quiet"], cwd=MANIFEST.parents[1], check=True
    )
    return round(time.perf_counter() - started, 1)


def reset_run_state(paths: WorkPaths) -> None:
    """Start from an empty warehouse, outputs and Dagster instance, and the sources as generated
    (the SIS drops, tutoring pages, HR rows and survey responses of earlier nights removed)."""
    for folder in (paths.outputs, paths.dagster_home, paths.dbt_target):
        shutil.rmtree(folder, ignore_errors=True)
    for leftover in (paths.warehouse, Path(f"{paths.warehouse}.wal")):
        leftover.unlink(missing_ok=True)
    if paths.sources.joinpath("sis").is_dir():
        remove_bench_drops(paths.sources / "sis")
    paths.pristine.restore()
    for folder in (paths.outputs, paths.dagster_home, paths.dbt_target, paths.logs):
        folder.mkdir(parents=True, exist_ok=True)
    write_instance_config(paths.dagster_home)


def write_instance_config(dagster_home: Path) -> None:
    """The benchmark's instance is the local one `make setup` writes (dagster.local.yaml), with
    its storage's folder written out, so that it also opens from its folder alone
    (`steps_recorded_by_instance`, in this process, where DAGSTER_HOME is not the run's)."""
    config = yaml.safe_load(LOCAL_INSTANCE.read_text())
    config["storage"]["custom"]["config"]["base_dir"] = str(dagster_home.resolve())
    (dagster_home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def pipeline_environment(paths: WorkPaths, run_label: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DISTRICT_SOURCE_MODE": "real",
            "DISTRICT_SOURCES_DIR": str(paths.sources.resolve()),
            "WAREHOUSE_PATH": str(paths.warehouse.resolve()),
            "DISTRICT_OUTPUTS_DIR": str(paths.outputs.resolve()),
            "DAGSTER_HOME": str(paths.dagster_home.resolve()),
            "DBT_TARGET_PATH": str((paths.dbt_target / run_label).resolve()),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    for name in (
        "SIS_LANDING_DIR",
        "HR_DATABASE_URL",
        "TUTORING_PAGES_DIR",
        "TUTORING_API_URL",
        "SURVEY_EXPORT_DIR",
        "PLANNING_DIR",
        "DEMO_PROFILE",
    ):
        env.pop(name, None)  # every source must come from the benchmark's own sources folder
    return env


def run_pipeline_job(
    paths: WorkPaths,
    run_label: str,
    job: str,
    current_school_year: str | None = None,
    max_rss_mb: float | None = None,
) -> dict:
    """Run a job in a child process; its step timings, wall time and peak memory."""
    timings_file = paths.logs / f"{run_label}.json"
    timings_file.unlink(missing_ok=True)
    args = [sys.executable, "-m", "bench.run_job", "--job", job, "--out", str(timings_file)]
    if current_school_year:
        args += ["--current-school-year", current_school_year]
    child = run_measured(
        args,
        pipeline_environment(paths, run_label),
        paths.logs / f"{run_label}.log",
        max_rss_mb=max_rss_mb,
    )
    if timings_file.exists():
        outcome = json.loads(timings_file.read_text())
    else:
        reason = (
            f"stopped: the run's processes held more than {max_rss_mb:,.0f} MB"
            if child.is_stopped_for_memory
            else f"the job process exited {child.returncode} without timings"
        )
        outcome = {
            "is_success": False,
            "is_stopped_for_memory": child.is_stopped_for_memory,
            "steps": steps_recorded_by_instance(paths.dagster_home),
            "failures": [f"{reason}; see {paths.logs / f'{run_label}.log'}"],
        }
    step_seconds = {step: t["seconds"] for step, t in outcome.get("steps", {}).items()}
    outcome.update(
        {
            "wall_s": round(child.seconds - outcome.get("measurement_s", 0.0), 2),
            "peak_rss_mb": child.peak_tree_rss_mb,
            "peak_single_process_rss_mb": child.peak_single_rss_mb,
            "stages": seconds_by_stage(step_seconds),
        }
    )
    run_results = newest_run_results(paths.dbt_target / run_label)
    if run_results:
        outcome["dbt_run_results"] = str(run_results)
        outcome["dbt_seconds_by_type"] = seconds_by_resource_type(run_results)
        outcome["dbt_slowest"] = slowest_nodes(run_results, limit=12)
    return outcome


def steps_recorded_by_instance(dagster_home: Path) -> dict[str, dict]:
    """Step timings of the newest run, read back from the Dagster instance's event log.

    Used when the job's process could not write its own summary (stopped or crashed): every
    step that finished before the stop still has its start and end events in the instance.
    """
    import dagster as dg

    from bench.run_job import step_timings

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs(limit=1)
        return step_timings(instance.all_logs(runs[0].run_id)) if runs else {}


def raw_table_rows(warehouse: Path) -> dict[str, int]:
    """Rows of every table in the warehouse's `raw` schema (the loaded sources)."""
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw' "
                "order by table_name"
            ).fetchall()
        ]
        return {t: con.execute(f'select count(*) from raw."{t}"').fetchall()[0][0] for t in tables}
    finally:
        con.close()


def settle_disk() -> float:
    """Write every dirty page to disk before a timed run; the seconds it took.

    Generation writes 4 GB of sources at Los Angeles size and a full refresh a 2 GB warehouse;
    left in the page cache, they would be flushed while the next timed run works. A nightly run
    starts on a settled machine, so each timed run here does too. The seconds are recorded
    (`disk_sync_s`) and not counted in any figure.
    """
    started = time.perf_counter()
    os.sync()
    return round(time.perf_counter() - started, 2)


def run_nights(paths: WorkPaths, options: BenchOptions, sections: dict[str, dict]) -> list[dict]:
    """`options.nights` nightly refreshes, each after one more school day lands in every source;
    stops at the first that fails. Each night's record carries what it brought (`drop`), the
    seconds its disk took to settle (`disk_sync_s`) and its timed section (`night_<n>`)."""
    nights: list[dict] = []
    for number in range(1, options.nights + 1):
        landed = land_night(paths.sources, paths.pristine)
        _log(f"night {number}: landed {landed.describe()} in {landed.seconds:.1f} s")
        disk_sync_s = settle_disk()
        label = "nightly" if number == 1 else f"nightly-{number}"
        with timed_section(sections, f"night_{number}"):
            night = run_pipeline_job(
                paths,
                label,
                "nightly",
                landed.sis.current_school_year,
                max_rss_mb=options.max_rss_mb,
            )
        night["night"] = number
        night["drop_date"] = landed.sis.drop_date.isoformat()
        night["drop"] = landed.summary()
        night["disk_sync_s"] = disk_sync_s
        nights.append(night)
        _log(
            f"night {number} ({night.get('job')}): {night['wall_s']:.1f} s, "
            f"success={night.get('is_success')}, stages {night.get('stages')}"
        )
        if not night.get("is_success"):
            break
    return nights


def median_night(nights: list[dict]) -> dict:
    """The night whose wall time is the median (the lower middle of an even count); a failed
    night, when there is one, since its failure is the figure that matters."""
    failed = [night for night in nights if not night.get("is_success")]
    if failed:
        return failed[0]
    ordered = sorted(nights, key=lambda night: night["wall_s"])
    return ordered[(len(ordered) - 1) // 2]


def night_summary(night: dict) -> dict:
    keys = ("night", "drop_date", "job", "is_success", "wall_s", "stages", "peak_rss_mb")
    return {key: night.get(key) for key in keys}


def run_benchmark(options: BenchOptions) -> dict:
    """Every measurement for one profile, as the dict written to results.json."""
    started = time.perf_counter()
    paths = WorkPaths(options.workdir)
    paths.root.mkdir(parents=True, exist_ok=True)
    machine = describe_machine()
    results: dict = {
        "profile": options.profile,
        "seed": options.seed,
        "as_of": options.as_of.isoformat(),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "workdir": str(paths.root),
        "machine": machine,
    }

    if options.is_generation_skipped:
        marker = read_marker(paths.sources) or {}
        summary = marker.get("summary", {})
        results.update(
            generation_s=summary.get("seconds"),
            generation_reused=True,
            source_bytes=summary.get("bytes"),
        )
        _log(f"using the sources already in {paths.sources}")
    else:
        _log(f"generating the {options.profile} district into {paths.sources} (reused if same)")
        generated = ensure_generated(options.profile, paths.sources, options.seed, options.as_of)
        results.update(
            generation_s=round(generated.seconds, 1),
            generation_reused=generated.is_reused,
            source_bytes=generated.bytes_written,
            generation_peak_rss_mb=None if generated.is_reused else self_peak_rss_mb(),
        )
        _log(
            f"generation: {generated.seconds:.1f} s"
            f"{' (reused from an earlier run)' if generated.is_reused else ''}"
        )

    results["dbt_parse_s"] = refresh_manifest()
    reset_run_state(paths)
    sections: dict[str, dict] = {}
    results["sections"] = sections
    # The baseline brackets the full refresh: three raw loads right before it, three right
    # after, so both are measured on the same moments of a shared machine.
    results["disk_sync_s"] = [settle_disk()]
    raw_before = timed_raw_load_series(paths, sections, "raw_load_before")
    results["disk_sync_s"].append(settle_disk())
    _log("full refresh: running the full_refresh job")
    with timed_section(sections, "full_refresh"):
        full = run_pipeline_job(
            paths, "full_refresh", "full_refresh", max_rss_mb=options.max_rss_mb
        )
    results["disk_sync_s"].append(settle_disk())
    raw_after = timed_raw_load_series(paths, sections, "raw_load_after")
    results["full_refresh"] = full
    results["full_refresh_s"] = full["wall_s"]
    results["stages"] = full["stages"]
    results["rows"] = raw_table_rows(paths.warehouse)
    _log(
        f"full refresh: {full['wall_s']:.1f} s, success={full.get('is_success')}, "
        f"peak {full['peak_rss_mb']:,.0f} MB, stages {full['stages']}"
    )
    results.update(raw_load_figures(raw_before, raw_after, full["wall_s"]))
    _log(
        f"raw load: {raw_before.seconds:.1f} s before, {raw_after.seconds:.1f} s after; "
        f"ratio {results['ratio_to_raw_load']:.1f}"
    )

    peaks = [full["peak_rss_mb"]]
    if not options.is_incremental_skipped:
        nights = run_nights(paths, options, sections)
        results["nightly_drops"] = [night["drop"] for night in nights]
        results["disk_sync_s"].extend(night["disk_sync_s"] for night in nights)
        peaks.extend(night["peak_rss_mb"] for night in nights)
        median = median_night(nights)
        results["incremental"] = median
        results["incremental_s"] = median["wall_s"]
        results["incremental_job"] = median.get("job")
        results["incremental_nights"] = [night_summary(night) for night in nights]
    results["peak_rss_mb"] = max(peaks)

    with timed_section(sections, "analyst_query"):
        query = time_analyst_query(paths.outputs, paths.warehouse, MANIFEST)
    results["analyst_query_ms"] = query.milliseconds
    results["analyst_query"] = asdict(query)
    _log(f"analyst query: {query.milliseconds} ms ({query.note})")
    machine["load_average_at_end"] = load_average()
    results["benchmark_wall_s"] = round(time.perf_counter() - started, 1)
    return results


def timed_raw_load_series(paths: WorkPaths, sections: dict[str, dict], name: str) -> RawLoadSeries:
    _log(f"raw load baseline ({name}): DuckDB reading the same files, three times")
    with timed_section(sections, name):
        return raw_load_series(paths.sources, paths.root / "raw_baseline.duckdb", runs=3)


def raw_load_figures(before: RawLoadSeries, after: RawLoadSeries, full_refresh_s: float) -> dict:
    """The baseline figures of results.json: each series, their mean, and the ratios to it.

    `raw_load_s` is the mean of the medians before and after the full refresh, and
    `ratio_to_raw_load` the full refresh over it; the ratio to each side is kept too, so a
    machine whose load changed during the run shows as two ratios far apart.
    """
    baseline_s = bracketed_baseline_s(before, after)
    return {
        "raw_load_s": baseline_s,
        "raw_load_before": {"median_s": before.seconds, "runs_s": list(before.runs_s)},
        "raw_load_after": {"median_s": after.seconds, "runs_s": list(after.runs_s)},
        "raw_load_rows": before.median.rows,
        "raw_load_seconds_by_table": before.median.seconds_by_table,
        "ratio_to_raw_load": round(full_refresh_s / baseline_s, 2),
        "ratio_to_raw_load_before": round(full_refresh_s / before.seconds, 2),
        "ratio_to_raw_load_after": round(full_refresh_s / after.seconds, 2),
    }
