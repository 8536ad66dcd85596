"""Dates as int32 day numbers (days since 1970-01-01) so whole columns stay numpy arrays."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
# Missing date; far outside any real date so pre-1970 day numbers stay valid.
NO_DATE = -999_999


def day_number(value: date) -> int:
    return (value - EPOCH).days


def from_day_number(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7
