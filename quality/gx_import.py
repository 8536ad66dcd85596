"""GX's import, started on a background thread while the sources load.

Importing great_expectations and its expectation classes is about 2.5 s of Python in every run
process (GX builds a pydantic model per expectation class), and the raw checks cannot start
without it. The source loads that come first spend their time inside DuckDB, which releases the
GIL, so the import can go on beside them: on the Los Angeles nightly drop, loading the SIS
snapshot and current-year files and then importing GX took 6.8-7.2 s, the two side by side
5.1-5.5 s. `SuiteRunner` waits for the import before it uses GX (`wait_for_gx_import`).

Two threads importing the same packages at once can deadlock on Python's per-module import locks
(Python raises `_DeadlockError` in one of them when packages import each other in a cycle). So
the caller's thread imports the large packages GX shares with the loaders (numpy, pandas,
pyarrow, SQLAlchemy) before the thread starts, and the thread imports only what GX alone uses.
A background import that fails leaves nothing half-imported behind: the runner's own import
then raises the error on the thread that needs GX.
"""

from __future__ import annotations

import importlib
import sys
import threading

SHARED_PACKAGES = ("numpy", "pandas", "pyarrow", "sqlalchemy")
GX_MODULES = ("great_expectations", "great_expectations.expectations", "quality.expectations")

_started: threading.Thread | None = None
_start_lock = threading.Lock()


def start_gx_import() -> None:
    """Start importing GX in the background, once per process; a no-op once it is imported."""
    global _started
    with _start_lock:
        if _started is not None or all(name in sys.modules for name in GX_MODULES):
            return
        for name in SHARED_PACKAGES:
            importlib.import_module(name)
        _started = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
        _started.start()


def wait_for_gx_import() -> None:
    """Return once a background import started by `start_gx_import` has finished."""
    thread = _started
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def _import_gx() -> None:
    try:
        for name in GX_MODULES:
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - re-raised by the runner's own import, on its thread
        pass
