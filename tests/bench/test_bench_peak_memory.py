"""The kernel's floor under the sampled peak memory: caught between samples, per child.

The sampler reads `/proc` every `interval_s`; a peak shorter than that is missed, and the floor
from `wait4` must then carry it. These children allocate a known amount for a moment far shorter
than the interval, after an earlier, larger child has run in the same parent (as `dbt parse`
and the full refresh run before each night).
"""

from __future__ import annotations

import sys

from bench.process_tree import run_measured

# Allocate and touch `mb` megabytes, hold them for 50 ms, free them, then idle past the moment a
# second sample could be taken (none is, with the 30 s interval used below).
_BRIEF_PEAK = (
    "import time\n"
    "block = bytearray({mb} * 1024 * 1024)\n"
    "time.sleep(0.05)\n"
    "del block\n"
    "time.sleep(0.3)\n"
)


def _grandparent_script(mb: int) -> str:
    """A child that runs the brief peak in a grandchild and waits for it, as a job runs dbt."""
    inner = _BRIEF_PEAK.format(mb=mb)
    run = f"subprocess.run([sys.executable, '-c', {inner!r}], check=True)"
    return f"import subprocess, sys\n{run}\n"


def test_a_peak_between_samples_is_the_childs_own_after_a_larger_earlier_child(tmp_path):
    """Hand-worked: the first child holds 400 MB, the second's grandchild 200 MB for 50 ms.

    A bytearray of 200 MB is zero-filled, so every page is touched: the grandchild's resident
    peak is 200 MB plus its interpreter (about 10 MB), well under the earlier 400 MB. The old
    `RUSAGE_CHILDREN` floor returned the parent's running maximum (400 MB and more) and then 0.0
    for every smaller run; the sampler alone sees only the idle interpreters.
    """
    larger = run_measured(
        [sys.executable, "-c", _BRIEF_PEAK.format(mb=400)],
        env=None,
        log_path=tmp_path / "larger.log",
        interval_s=30.0,
    )
    assert larger.returncode == 0
    assert 400 <= larger.peak_single_rss_mb < 480

    child = run_measured(
        [sys.executable, "-c", _grandparent_script(200)],
        env=None,
        log_path=tmp_path / "child.log",
        interval_s=30.0,
    )
    assert child.returncode == 0
    assert 200 <= child.peak_single_rss_mb < 280
    assert child.peak_tree_rss_mb >= child.peak_single_rss_mb
