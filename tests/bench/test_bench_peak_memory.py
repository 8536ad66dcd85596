"""The kernel's floor under the sampled peak memory: caught between samples, per child.

The sampler reads `/proc` every `interval_s`; a peak shorter than that is missed, and the floor
from `wait4` must then carry it. These children allocate a known amount for a moment far shorter
than the interval, after an earlier, larger child has run in the same parent (as `dbt parse`
and the full refresh run before each night).
"""

from __future__ import annotations

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


def test_a_peak_between_samples_is_the_childs_own_after_a_larger_earlier_child(
    run_in_fresh_interpreter,
):
    """Hand-worked: the first child holds 400 MB, the second's grandchild 200 MB for 50 ms.

    A bytearray of 200 MB is zero-filled, so every page is touched: the grandchild's resident
    peak is 200 MB plus its interpreter (about 10 MB), well under the earlier 400 MB. The old
    `RUSAGE_CHILDREN` floor returned the parent's running maximum (400 MB and more) and then 0.0
    for every smaller run; the sampler alone sees only the idle interpreters.

    The measuring parent is a fresh interpreter, as `python -m bench` is: Linux starts a
    child's `ru_maxrss` at the resident size of the process it was forked from, so a parent as
    large as this test session (several hundred MB) would hide the children's own peaks.
    """
    done = run_in_fresh_interpreter(
        f"""
        import json, sys, tempfile
        from pathlib import Path
        from bench.process_tree import run_measured
        logs = Path(tempfile.mkdtemp())
        runs = [
            run_measured([sys.executable, "-c", script], env=None, log_path=logs / name,
                         interval_s=30.0)
            for name, script in (("larger", {_BRIEF_PEAK.format(mb=400)!r}),
                                 ("child", {_grandparent_script(200)!r}))
        ]
        print(json.dumps([[r.returncode, r.peak_single_rss_mb, r.peak_tree_rss_mb] for r in runs]))
        """
    )
    assert done.returncode == 0, done.stderr
    import json

    (larger_rc, larger_peak, _), (child_rc, child_peak, child_tree) = json.loads(
        done.stdout.strip().splitlines()[-1]
    )
    assert larger_rc == 0 and 400 <= larger_peak < 480
    assert child_rc == 0 and 200 <= child_peak < 280
    assert child_tree >= child_peak
