"""What the benchmark ran on, including how busy the machine was, so figures can be compared."""

from __future__ import annotations

import os
import platform
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
    return [round(x, 2) for x in os.getloadavg()]


def describe_machine() -> dict:
    import duckdb

    return {
        "cores": cpu_count(),
        "memory_gb": memory_total_gb(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "niceness": os.nice(0),
        "load_average_at_start": load_average(),
    }
