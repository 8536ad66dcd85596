"""Position ↔ date mapping for enrolment spans over their track's instructional days.

A span covers positions 0…n_days-1 of its track's instructional days starting at `first_pos`;
attendance, discipline and tutoring sample positions, and one lookup turns them into dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.enrolment import YearSpans
from synthetic_district.school_calendar import TRACK_COUNT, TrackCalendar


@dataclass(frozen=True)
class SpanDays:
    first_global: np.ndarray  # index into `all_days` of each span's first day
    n_days: np.ndarray  # instructional days enrolled up to the last known day
    all_days: np.ndarray  # every track's instructional days, concatenated

    def dates(self, span: np.ndarray, pos: np.ndarray) -> np.ndarray:
        return self.all_days[self.first_global[span] + pos]


def span_days(sp: YearSpans, calendars: dict[tuple[int, int], TrackCalendar]) -> SpanDays:
    arrays = [calendars[(sp.start_year, t)].instructional_days for t in range(TRACK_COUNT)]
    offsets = np.cumsum([0] + [len(a) for a in arrays[:-1]])
    first_global = np.zeros(len(sp), dtype=np.int64)
    n_days = np.zeros(len(sp), dtype=np.int64)
    for t, days in enumerate(arrays):
        mask = sp.track == t
        lo = np.searchsorted(days, sp.entry_day[mask], side="left")
        hi = np.searchsorted(days, sp.last_known_day[mask], side="right")
        first_global[mask] = offsets[t] + lo
        n_days[mask] = np.maximum(hi - lo, 0)
    return SpanDays(first_global, n_days, np.concatenate(arrays))
