"""`make run`: launch a job through the Dagster instance and follow it to the end in the terminal.

The run is launched the way the UI and the schedules launch runs (`dagster job launch` against
workspace.yaml), so it belongs to the `district` code location: it shows on the Overview
timeline and re-executes from the UI. The run worker writes its events to the instance; this
module reads them back and prints one line per finished step instead of Dagster's full event
stream:

    [3/12] load_sis: done 14.2 s, 10 tables, 1,234,567 rows

A failed run ends with its root cause last (the first step that failed, with its source, rule
and file, or the blocking checks that failed), and the steps that did not run because of it.
`--verbose` (or DISTRICT_VERBOSE=1) prints every event as well.

Usage: python -m orchestration.launch <job> [--verbose]; the exit status is 0 for a successful
run, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.launch_summary import RunFollower

REPO_ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.5


@dataclass
class Launch:
    job: str
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def start(self) -> None:
        """Hand the run to the instance's run launcher (a background run worker)."""
        command = [
            str(Path(sys.executable).with_name("dagster")),
            "job",
            "launch",
            "-w",
            str(REPO_ROOT / "workspace.yaml"),
            "-j",
            self.job,
            "--run-id",
            self.run_id,
        ]
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(
                f"could not launch {self.job}: `{' '.join(command)}` exited with "
                f"{done.returncode}\n{done.stderr.strip()[-4000:]}"
            )


def follow(run_id: str, verbose: bool, out=sys.stdout) -> bool:
    """Print the run's progress until it ends; True when it succeeded."""
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        follower = RunFollower(instance, run_id, verbose=verbose, out=out)
        cursor = None
        while True:
            connection = instance.get_records_for_run(run_id, cursor=cursor, limit=1000)
            for record in connection.records:
                follower.handle(record.event_log_entry)
            cursor = connection.cursor
            if connection.has_more:
                continue
            run = instance.get_run_by_id(run_id)
            if run is not None and run.is_finished:
                # Events written between the last read and the status change.
                tail = instance.get_records_for_run(run_id, cursor=cursor)
                for record in tail.records:
                    follower.handle(record.event_log_entry)
                return follower.finish(run)
            time.sleep(POLL_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("job", help="job name, e.g. full_refresh")
    parser.add_argument("--verbose", action="store_true", help="print every event as well")
    args = parser.parse_args(argv)
    verbose = args.verbose or os.environ.get("DISTRICT_VERBOSE") == "1"
    launch = Launch(args.job)
    print(f"{args.job}: run {launch.run_id} (Dagster UI: `make ui`, Runs)", flush=True)
    launch.start()
    return 0 if follow(launch.run_id, verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
