"""The night's two publications from the warehouse, run side by side: BI database and release.

They read the warehouse and nothing of each other, and each is part Python, part DuckDB: on two
threads they overlap on the machine's two cores instead of waiting for each other (about a
quarter of the exports' time). If one fails, the other's publication still stands.

Every module the two threads run is imported at the top of this module, by the thread that
imports it, before any worker thread starts; the threads themselves import nothing. Python
threads importing modules for the first time at the same moment can fail with "partially
initialized module" errors or deadlock on the import locks, so the rule is enforced by a test:
`tests/orchestration/test_import_races.py` runs the publication step in a fresh interpreter with
an import recorder and fails on any import made off the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from exports.bi.publish import PublishResult, publish_marts
from exports.open_data.release import ReleaseResult, build_release

BI = "bi_database"
RELEASE = "open_data_release"


@dataclass(frozen=True)
class PublicationOutcome:
    """One publication's result, or the error that stopped it (never both)."""

    name: str
    result: PublishResult | ReleaseResult | None = None
    error: BaseException | None = None


def publish_side_by_side(
    warehouse: Path,
    *,
    bi_url: str | None,
    manifest_path: Path,
    parquet_dir: Path | None,
    open_data_dir: Path | None,
) -> list[PublicationOutcome]:
    """Publish to the BI target (`bi_url`) and build the release (`open_data_dir`) at once.

    Either may be None to leave that publication out. Outcomes come back in that order, each
    with its result or its error, so the caller can report both before failing.
    """
    tasks: dict[str, Callable[[], PublishResult | ReleaseResult]] = {}
    if bi_url is not None:
        tasks[BI] = lambda: publish_marts(
            warehouse, bi_url, manifest_path=manifest_path, parquet_dir=parquet_dir
        )
    if open_data_dir is not None:
        tasks[RELEASE] = lambda: build_release(warehouse, open_data_dir)
    with ThreadPoolExecutor(max_workers=max(len(tasks), 1), thread_name_prefix="publish") as pool:
        futures = {name: pool.submit(task) for name, task in tasks.items()}
        outcomes = []
        for name, future in futures.items():
            try:
                outcomes.append(PublicationOutcome(name, result=future.result()))
            except Exception as error:  # reported beside the other publication's result
                outcomes.append(PublicationOutcome(name, error=error))
    return outcomes
