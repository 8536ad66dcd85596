"""What the benchmark ran on, including how busy the machine was, so figures can be compared.

The two machine kinds CI and developers get differ by about 40 % in the nightly, and the machine
is shared: every figure is recorded with the CPU model, the core count, the date and the load
average (1, 5 and 15 minutes) at the start and end of the section that timed it.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.process_tree import cpu_count


def memory_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float]:
    """The 1-, 5- and 15-minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def timed_section(sections: dict[str, dict], name: str) -> Iterator[dict]:
    """Record section `name` in `sections`: UTC start and end, seconds, load average at both.

    The record is filled in even when the section raises, so a failed run still says how busy
    the machine was while it ran.
    """
    record = {"started_at": _utc_now(), "load_average_at_start": load_average()}
    sections[name] = record
    started = time.perf_counter()
    try:
        yield record
    finally:
        record["seconds"] = round(time.perf_counter() - started, 2)
        record["ended_at"] = _utc_now()
        record["load_average_at_end"] = load_average()


def describe_machine() -> dict:
    import duckdb

    return {
        "cores": cpu_count(),
        "memory_gb": memory_total_gb(),
        "cpu_model": cpu_model(),
        "date": datetime.now(UTC).date().isoformat(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "niceness": os.nice(0),
        "load_average_at_start": load_average(),
    }
