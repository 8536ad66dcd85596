"""Running a child process while sampling the resident memory of it and all its descendants.

A pipeline run is a Python process plus a `dbt` subprocess alive at the same time; their sum is
what the machine must hold. The sampler reads `/proc` (Linux) every `interval_s`, with no
dependency. A peak shorter than the interval falls between two samples, so the largest single
process's peak is also taken from the kernel and kept as a floor: `wait4` on the child returns
the resource usage of that child alone, whose `ru_maxrss` is the largest resident size the child
or any descendant it waited for (the `dbt` subprocess) ever reached. `getrusage(RUSAGE_CHILDREN)`
cannot serve: it is the maximum over every child this process has ever waited for, so after one
larger child (the `dbt parse` before the full refresh, an earlier run) it says nothing of the
next.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class ChildRun:
    returncode: int
    seconds: float
    peak_tree_rss_mb: float
    peak_single_rss_mb: float
    is_stopped_for_memory: bool = False


def _process_table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group id) of every visible process."""
    table = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces; fields after its closing ')' are fixed.
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return table


def descendants(root_pid: int) -> list[int]:
    """`root_pid`, every process below it, and every process left in its process group.

    The group catches subprocesses orphaned by a failed step (re-parented to init), which still
    hold memory and the warehouse's lock.
    """
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, frontier = set(), [root_pid]
    while frontier:
        pid = frontier.pop()
        found.add(pid)
        frontier.extend(children.get(pid, []))
    found |= {pid for pid, (_, group) in table.items() if group == root_pid}
    return sorted(found)


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (0 if it has gone)."""
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(root_pid: int) -> float:
    return sum(rss_mb(pid) for pid in descendants(root_pid))


def run_measured(
    args: list[str],
    env: dict[str, str],
    log_path: Path,
    interval_s: float = 0.5,
    max_rss_mb: float | None = None,
) -> ChildRun:
    """Run `args` to completion (output to `log_path`) and measure its time and peak memory.

    With `max_rss_mb`, the child's whole group is ended once it holds more than that, so a run
    that would exhaust a shared machine's memory stops with its peak recorded instead.
    """
    peak = {"tree": 0.0, "is_over": False}
    stop = threading.Event()
    started = time.perf_counter()
    with open(log_path, "w") as log:
        # A session of its own, so that whatever the run leaves behind can be ended by group.
        process = subprocess.Popen(
            args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

        def sample() -> None:
            while not stop.is_set():
                peak["tree"] = max(peak["tree"], tree_rss_mb(process.pid))
                if max_rss_mb and peak["tree"] > max_rss_mb and not peak["is_over"]:
                    peak["is_over"] = True
                    end_leftovers(process.pid, grace_s=5.0)
                stop.wait(interval_s)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode, single = wait_with_peak_rss_mb(process)
        stop.set()
        sampler.join()
        end_leftovers(process.pid)
    seconds = time.perf_counter() - started
    return ChildRun(
        returncode,
        seconds,
        round(max(peak["tree"], single), 1),
        round(single, 1),
        is_stopped_for_memory=peak["is_over"],
    )


def wait_with_peak_rss_mb(process: subprocess.Popen) -> tuple[int, float]:
    """Reap `process`; its return code and the peak resident MB of it or a descendant it reaped.

    `os.wait4` gives the usage of this one child (Linux reports `ru_maxrss` in kilobytes), not
    the running maximum over all children that `getrusage(RUSAGE_CHILDREN)` keeps.
    """
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024


def end_leftovers(group_id: int, grace_s: float = 10.0) -> list[int]:
    """Terminate processes still in the finished child's group (e.g. a dbt it did not reap)."""
    left = [pid for pid, (_, group) in _process_table().items() if group == group_id]
    if not left:
        return []
    try:
        os.killpg(group_id, signal.SIGTERM)
    except ProcessLookupError:
        return []
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(
        group == group_id for _, group in _process_table().values()
    ):
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group_id, signal.SIGKILL)
    return left


def self_peak_rss_mb() -> float:
    """Peak resident memory of this process (the benchmark itself, including generation)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
