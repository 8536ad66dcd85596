"""Pipeline steps run in this fresh interpreter, recording every import made off the main thread.

Used by test_import_races.py as `python import_race_run.py <steps> <report.json>`, with the
environment pointing the pipeline at its own warehouse and Dagster instance. `<steps>` is
`load_and_check` (every source's load and raw checks, the steps that once raced GX's
background import against Dagster's event log) or `publish` (the BI database, release and
portal steps, whose publications run on two threads).

The recorder is a `sys.meta_path` finder that is asked about every module imported for the
first time; it notes the thread and finds nothing, so the normal finders do the import. A
module first imported by a worker thread is the race itself, whether or not this run happened
to lose it, so the test fails on any record rather than waiting for an unlucky schedule. For
the same reason every `os.fork` notes the other threads alive at that moment.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback

OFF_MAIN_THREAD: list[dict] = []
FORKS_BESIDE_THREADS: list[list[str]] = []


class ThreadImportRecorder:
    """Records imports that start on any thread but the main one; imports nothing itself."""

    def find_spec(self, name, path=None, target=None):
        thread = threading.current_thread()
        if thread is not threading.main_thread():
            OFF_MAIN_THREAD.append({"thread": thread.name, "module": name})
        return None


def _record_threads_at_fork() -> None:
    """Before `os.fork`: note the other threads alive, whose locks the child would inherit."""
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if others:
        FORKS_BESIDE_THREADS.append(others)


sys.meta_path.insert(0, ThreadImportRecorder())
os.register_at_fork(before=_record_threads_at_fork)


def _selection(defs, steps: str) -> list:
    """The asset keys of the chosen steps, from the loaded definitions."""
    import dagster as dg

    graph = defs.resolve_asset_graph()
    if steps == "load_and_check":
        return [key for key in graph.get_all_asset_keys() if key.path[0] == "raw"]
    if steps == "publish":
        return [
            dg.AssetKey(["publications", name])
            for name in ("bi_database", "open_data_release", "open_data_portal")
        ]
    raise SystemExit(f"unknown steps {steps!r}")


def main(steps: str, report_path: str) -> int:
    import dagster as dg

    report: dict = {"steps": steps, "success": False}
    try:
        from orchestration.definitions import defs

        job = defs.resolve_job_def("full_refresh")
        # The instance under DAGSTER_HOME (SQLite event log), as `dagster job execute` uses.
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                asset_selection=_selection(defs, steps),
                raise_on_error=False,
            )
            report["success"] = result.success
            report["failed_steps"] = [
                event.step_key for event in result.all_events if event.is_step_failure
            ]
            report["check_failures"] = [
                f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                for evaluation in result.get_asset_check_evaluations()
                if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
            ]
    except BaseException:  # noqa: BLE001 - the report says what went wrong, the test fails on it
        report["exception"] = traceback.format_exc()
    report["imports_off_main_thread"] = OFF_MAIN_THREAD
    report["forks_beside_threads"] = FORKS_BESIDE_THREADS
    with open(report_path, "w") as out:
        json.dump(report, out, indent=2)
    return 0 if report["success"] and not OFF_MAIN_THREAD and not FORKS_BESIDE_THREADS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
