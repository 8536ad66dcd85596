"""School years in Python, as `dbt_project/macros/school_year.sql` has them in SQL.

A school year runs 1 July to 30 June and is written `YYYY-YY` (ingestion/SOURCES.md); the
arithmetic runs on its first calendar year as an integer.
"""

from __future__ import annotations

import re
from datetime import date

FIRST_MONTH = 7
"""July: the month a school year begins (`school_year_of` in the dbt macros)."""

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


def school_year_start(day: date) -> int:
    """The calendar year in which the school year holding `day` began."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def school_year_label(start_year: int) -> str:
    """The `YYYY-YY` label of the school year starting in `start_year` (2025 -> `2025-26`)."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def school_year_of(day: date) -> str:
    """The `YYYY-YY` school year holding `day` (2024-08-15 -> `2024-25`)."""
    return school_year_label(school_year_start(day))


def is_school_year(text: str) -> bool:
    """`2025-26` is one; the second part must be the year after the first."""
    match = _LABEL.match(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def label_start(school_year: str) -> int:
    """The first calendar year of a `YYYY-YY` label (2025 for `2025-26`)."""
    return int(school_year[:4])


def previous_school_year(school_year: str) -> str:
    """The school year before (`2025-26` -> `2024-25`)."""
    return school_year_label(label_start(school_year) - 1)
