"""SIS drop folders built by hand for the sensor and SFTP tests.

A plainly named module rather than `from conftest import ...`: with several conftest.py files
in the tree, the module named conftest is whichever one pytest imported first.
"""

from __future__ import annotations

from pathlib import Path

# One file per table of the contract: snapshot tables whole, year-scoped tables for 2025-26.
SNAPSHOT_TABLES = ("schools", "students", "program_spans")
YEAR_TABLES = (
    "calendar_days",
    "enrollments",
    "registrations",
    "attendance",
    "assessments",
    "course_grades",
    "discipline_incidents",
)


def write_drop(folder: Path, *, leave_out: tuple[str, ...] = (), year: str = "2025-26") -> Path:
    """A drop folder with one small CSV per contract table (content is irrelevant here)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in SNAPSHOT_TABLES:
        if table not in leave_out:
            (folder / f"{table}.csv").write_text(f"{table}_id\n1\n")
    for table in YEAR_TABLES:
        if table not in leave_out:
            (folder / f"{table}__{year}.csv").write_text(f"{table}_id\n1\n2\n")
    return folder
