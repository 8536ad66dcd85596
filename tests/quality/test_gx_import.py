"""GX's background import: started once, waited for, and harmless when it fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str, folder: Path) -> subprocess.CompletedProcess:
    """Each case in a fresh interpreter: the import state of this process is already settled.

    The case runs from a script file: under `python -c`, pyspark (which GX imports when it is
    installed) takes the nameless main module for a doctest run and exits.
    """
    script = folder / "case.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_the_background_import_leaves_gx_imported_for_the_runner(tmp_path):
    completed = _run(
        """
        import sys, threading
        from quality import gx_import
        gx_import.start_gx_import()
        first = gx_import._started
        gx_import.start_gx_import()
        assert gx_import._started is first, "started twice"
        assert first.name == "gx-import"
        gx_import.wait_for_gx_import()
        assert not first.is_alive()
        assert all(name in sys.modules for name in gx_import.GX_MODULES)
        print("ok")
        """,
        tmp_path,
    )
    assert completed.stdout.strip().endswith("ok"), completed.stderr[-3000:]


def test_a_failed_background_import_surfaces_on_the_thread_that_needs_gx(tmp_path):
    completed = _run(
        """
        import sys
        from quality import gx_import
        sys.modules["great_expectations"] = None  # makes any import of it fail
        gx_import.start_gx_import()
        gx_import.wait_for_gx_import()
        try:
            import great_expectations
        except ImportError:
            print("ok")
        """,
        tmp_path,
    )
    assert completed.stdout.strip().endswith("ok"), completed.stderr[-3000:]
