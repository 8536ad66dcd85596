"""Screenshots of the Dagster UI over the runs `make run` left in the instance.

`make screenshots-dagster` (python -m orchestration.ui_screenshots --out docs/screenshots/dagster)
starts the webserver on a free port (orchestration/webserver.py), drives Debian's chromium with
Playwright (never a browser Playwright downloads) and writes one PNG per view the docs point at:
the lineage with its school-year partitions, a scorecard mart's page with its row count and
typed columns, its checks, its partitions and the full_refresh run on the Overview timeline.

Each view waits for the text that proves it rendered what it claims (a row count, a column
type, "5 partitions"), not for a fixed time; a view whose text never comes fails the command
with what was missing, so a missing piece of metadata is a failure and not a blank screenshot.
Only aggregate marts and metadata are opened; no data preview of a raw or staging table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
JOB = "full_refresh"
MART = ("marts", "school_scorecard")
"""The mart the asset, checks and partitions views show: aggregate (school, year, measure,
student group), partitioned by school year, with dbt tests and a GX suite as checks."""
VIEWPORT = {"width": 1440, "height": 900}
WAIT_MS = 60_000
TIMELINE_WINDOWS_HOURS = (1, 6, 12, 24)
BROWSER_STORAGE = (("communityNux", "1"),)
"""What every view starts with in the browser's storage: the "Join the Dagster community" dialog
a localhost UI opens once, dismissed there so that the instance's own "seen" flag is left
alone. A view adds its own settings (Shot.storage)."""
NAVIGATION_COLLAPSED = ("dagster-nav-collapsed", "true")
"""The UI's left navigation folded to icons, for the partitions lineage. (The groups lineage
keeps it: with it folded, that graph came out shifted, cut off at the top and the right.)"""
PARTITIONS_LINEAGE_GROUPS = ("intermediate", "marts_core", "marts_scorecard")
"""The groups of the mart and of its inputs, opened: collapsed groups hide their assets' nodes."""


class NoRunYet(RuntimeError):
    """The instance holds no full_refresh run to show."""


@dataclass(frozen=True)
class LastRun:
    run_id: str
    status: str
    start: datetime
    end: datetime


def last_run(job: str = JOB) -> LastRun:
    """The newest finished run of `job` in the instance of DAGSTER_HOME."""
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

    home = os.environ.get("DAGSTER_HOME", "")
    records = []
    if home and Path(home).is_dir():
        with dg.DagsterInstance.get() as instance:
            finished = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE]
            records = instance.get_run_records(RunsFilter(job_name=job, statuses=finished), limit=1)
    if not records:
        raise NoRunYet(
            f"The Dagster instance in {home or '(DAGSTER_HOME unset)'} has no finished {job} "
            "run to show: run `make run` first (about 2 minutes), then `make screenshots-dagster`."
        )
    record = records[0]
    return LastRun(
        run_id=record.dagster_run.run_id,
        status=record.dagster_run.status.value,
        start=datetime.fromtimestamp(record.start_time, UTC),
        end=datetime.fromtimestamp(record.end_time, UTC),
    )


def timeline_window(run: LastRun, now: datetime) -> tuple[int, int]:
    """(hours shown, pages back): the narrowest Overview timeline window holding the run whole,
    paged back by whole windows when it ended more than a day ago."""
    for hours in TIMELINE_WINDOWS_HOURS:
        if (now - run.start).total_seconds() < hours * 3600:
            return hours, 0
    return 24, int((now - run.end).total_seconds() // (24 * 3600))


def _mart_path(view: str = "", **params: str) -> str:
    query = urllib.parse.urlencode({"view": view, **params}) if view else ""
    return "/assets/" + "/".join(MART) + (f"?{query}" if query else "")


def _lineage_path(selection: str) -> str:
    return "/asset-groups~" + urllib.parse.quote(selection, safe="") + "/"


def _wait_for(page, text: str, what: str) -> None:
    """Wait until `text` is visible; fail with what the view was meant to show."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).first.wait_for(state="visible", timeout=WAIT_MS)
    except PlaywrightTimeout as error:
        raise RuntimeError(f"{page.url}: {what} not shown (waited for {text!r})") from error


def _settle(page) -> None:
    """Network idle (the UI's queries answered), then half a second for the last paint."""
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    page.wait_for_timeout(500)


def shoot_lineage_overview(page, base_url: str, run: LastRun) -> None:
    """The whole code location by asset group: sources to raw, staging, marts, publications."""
    page.goto(base_url + "/asset-groups")
    _wait_for(page, "marts_scorecard", "the asset groups")
    _settle(page)


def shoot_lineage_partitions(page, base_url: str, run: LastRun) -> None:
    """The scorecard mart and the assets it reads, every node showing its partitions."""
    from orchestration.partitions import school_year_partitions

    page.goto(base_url + _lineage_path(f'1+key:"{"/".join(MART)}"'))
    years = len(school_year_partitions.get_partition_keys())
    _wait_for(page, f"{years} partitions", "the school-year partitions on the asset nodes")
    _wait_for(page, "100% filled", "the partitions' materialized share")
    _settle(page)


def shoot_mart_overview(page, base_url: str, run: LastRun) -> None:
    """The mart's page: latest materialization, row count, and the columns with their types.
    The long description is folded so the row count and the typed columns share the screen."""
    page.goto(base_url + _mart_path())
    _wait_for(page, "Row count", "the row count (dagster/row_count)")
    _wait_for(page, "VARCHAR", "the Type column (dagster/column_schema)")
    page.get_by_text("Description", exact=True).first.click()
    _settle(page)


def shoot_mart_checks(page, base_url: str, run: LastRun) -> None:
    """The mart's Checks tab with its first check (a dbt test) open, as the UI opens it: the
    check's description and latest result."""
    page.goto(base_url + _mart_path("checks"))
    _wait_for(page, "Evaluation result", "the selected check's latest execution")
    _wait_for(page, "A failure stops the dbt build", "the dbt test check's description")
    _settle(page)


def shoot_mart_gx_check(page, base_url: str, run: LastRun) -> None:
    """The mart's GX suite check: rule counts and the failures list (counts, never rows)."""
    page.goto(base_url + _mart_path("checks", checkDetail="gx_contract_suite"))
    _wait_for(page, "GX suite:", "the GX suite check's description")
    _wait_for(page, "failed_blocking", "the GX suite's counts")
    _settle(page)


def shoot_mart_partitions(page, base_url: str, run: LastRun) -> None:
    """The mart's Partitions tab: every school year's status, the newest year opened."""
    from orchestration.partitions import school_year_partitions

    newest = school_year_partitions.get_partition_keys()[-1]
    page.goto(base_url + _mart_path("partitions", partition=newest))
    _wait_for(page, "Materialized (", "the per-year status counts")
    _wait_for(page, "dagster/row_count", f"the {newest} materialization's metadata")
    _settle(page)


def shoot_timeline(page, base_url: str, run: LastRun) -> None:
    """The Overview timeline in the narrowest window that holds the run, the run's bar hovered
    (its status and times)."""
    hours, pages_back = timeline_window(run, datetime.now(UTC))
    page.goto(base_url + "/overview/activity/timeline")
    _wait_for(page, JOB, f"the {JOB} job's timeline row")
    page.get_by_role("button", name=f"{hours}hr", exact=True).click()
    for _ in range(pages_back):
        page.get_by_role("button", name="←", exact=True).click()
    _settle(page)
    page.locator('[class*="RunTimeline_runChunk_"]').first.hover()
    _wait_for(page, "View all", "the run's popover")
    # The popover fades in: wait until it and its container are opaque.
    page.wait_for_function(
        "() => { const p = document.querySelector('.bp5-popover');"
        " for (let e = p; e && e !== document.body; e = e.parentElement)"
        " { if (getComputedStyle(e).opacity !== '1') return false; } return !!p; }",
        timeout=WAIT_MS,
    )


@dataclass(frozen=True)
class Shot:
    file: str
    take: Callable
    shows: str
    storage: tuple[tuple[str, str], ...] = ()
    """localStorage items (the UI's own keys, values as it stores them) the view starts with."""


SHOTS = (
    Shot(
        "01-lineage-groups.png",
        shoot_lineage_overview,
        "the global asset lineage by asset group",
    ),
    Shot(
        "02-lineage-school-year-partitions.png",
        shoot_lineage_partitions,
        "the school scorecard's lineage, each dbt asset with its school-year partitions",
        storage=(
            # Vertical, without the navigation: the mart and its inputs fit the screen at a zoom
            # where the nodes still draw their details (partitions); zoomed out they do not.
            ("asset-graph-direction", json.dumps("vertical")),
            NAVIGATION_COLLAPSED,
            (
                "asset-graph-open-graph-nodes-global-__GLOBAL__",
                json.dumps(
                    {"expanded": ",".join(f"global@global:{g}" for g in PARTITIONS_LINEAGE_GROUPS)}
                ),
            ),
        ),
    ),
    Shot("03-mart-row-count-and-columns.png", shoot_mart_overview, "row count, typed columns"),
    Shot("04-mart-checks.png", shoot_mart_checks, "a dbt test check: description, result"),
    Shot("05-mart-gx-check.png", shoot_mart_gx_check, "the GX suite check: counts"),
    Shot("06-mart-partitions.png", shoot_mart_partitions, "per-school-year status"),
    Shot("07-runs-timeline.png", shoot_timeline, "the full_refresh run on the timeline"),
)


def _init_script(shot: Shot) -> str:
    """JavaScript run before the UI's own: the view's localStorage items."""
    return "".join(
        f"window.localStorage.setItem({json.dumps(key)}, {json.dumps(value)});"
        for key, value in (*BROWSER_STORAGE, *shot.storage)
    )


def take_screenshots(
    out: Path, base_url: str, run: LastRun, shots: tuple[Shot, ...] = SHOTS
) -> list[Path]:
    """Each of `shots` against the webserver at `base_url`, written to `out`."""
    from playwright.sync_api import sync_playwright

    from exports.open_data.browser import ensure_chromium

    chromium = ensure_chromium()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for shot in shots:
                # A fresh context per view: no state (open menus, zoom) leaks from the last one.
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(_init_script(shot))
                try:
                    written.append(_take(context.new_page(), shot, out, base_url, run))
                finally:
                    context.close()
        finally:
            browser.close()
    return written


def _take(page, shot: Shot, out: Path, base_url: str, run: LastRun) -> Path:
    """One view written to `out`; a view that fails leaves the page as it was in the temp dir."""
    try:
        shot.take(page, base_url, run)
    except Exception:
        failed = Path(tempfile.gettempdir()) / f"failed-{shot.file}"
        page.screenshot(path=str(failed))
        print(f"  {shot.file} failed; the page as it was: {failed}", file=sys.stderr)
        raise
    path = out / shot.file
    page.screenshot(path=str(path))
    print(f"  {path.relative_to(out.parent)}: {shot.shows}", flush=True)
    return path


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the webserver's `finally` stops it (Python's default
    SIGTERM ends the process at once, leaving the webserver running)."""
    signal.signal(signal.SIGTERM, _interrupt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs/screenshots/dagster")
    parser.add_argument(
        "--only", nargs="*", default=[], help="file-name prefixes of the views to take (e.g. 02)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home"))
    _stop_on_sigterm()
    try:
        run = last_run()
    except NoRunYet as error:
        print(error, file=sys.stderr)
        return 2
    shots = tuple(s for s in SHOTS if not args.only or s.file.startswith(tuple(args.only)))
    from orchestration.webserver import running_webserver

    print(f"Dagster UI screenshots of {JOB} run {run.run_id} ({run.status}) into {args.out}")
    with running_webserver() as base_url:
        take_screenshots(args.out.resolve(), base_url, run, shots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
