"""Running a child process while sampling the resident memory of it and all its descendants.

`getrusage(RUSAGE_CHILDREN).ru_maxrss` reports only the largest single descendant, but a pipeline
run is a Python process plus a `dbt` subprocess alive at the same time; their sum is what the
machine must hold. The sampler reads `/proc` (Linux) every `interval_s`, with no dependency, and
the rusage figure is kept as a floor in case a short-lived peak fell between two samples.
"""

from __future__ import annotations

import os
import resource
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


def _parent_ids() -> dict[int, int]:
    """pid → parent pid of every visible process."""
    parents = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces; fields after its closing ')' are fixed.
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(root_pid: int) -> list[int]:
    """`root_pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_ids().items():
        children.setdefault(parent, []).append(pid)
    found, frontier = [], [root_pid]
    while frontier:
        pid = frontier.pop()
        found.append(pid)
        frontier.extend(children.get(pid, []))
    return found


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


def run_measured(args: list[str], env: dict[str, str], log_path: Path,
                 interval_s: float = 0.5) -> ChildRun:
    """Run `args` to completion (output to `log_path`) and measure its time and peak memory."""
    peak = {"tree": 0.0}
    stop = threading.Event()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with open(log_path, "w") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)

        def sample() -> None:
            while not stop.is_set():
                peak["tree"] = max(peak["tree"], tree_rss_mb(process.pid))
                stop.wait(interval_s)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - started
    # ru_maxrss is in kilobytes on Linux and the maximum over all waited-for descendants so far.
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if before and single <= before / 1024:
        single = 0.0  # an earlier child held the maximum; this run's own peak is the sample
    return ChildRun(returncode, seconds, round(max(peak["tree"], single), 1), round(single, 1))


def self_peak_rss_mb() -> float:
    """Peak resident memory of this process (the benchmark itself, including generation)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
