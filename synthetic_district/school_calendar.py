"""School calendars: 180 instructional days from mid-August to early/mid June.

Schools follow one of a few calendar tracks (a district publishes one or two calendars and a few
schools run their own), which is realistic and lets attendance map day positions to dates with
one array lookup per track instead of one per school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from synthetic_district.dates import day_number

INSTRUCTIONAL_DAYS = 180
TRACK_COUNT = 3


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _week_of(monday: date, days: int = 5) -> list[date]:
    return [monday + timedelta(days=i) for i in range(days)]


@dataclass(frozen=True)
class TrackCalendar:
    """One calendar track in one school year."""

    start_year: int
    track: int
    dates: np.ndarray  # every listed weekday (int day numbers), ascending
    day_types: np.ndarray  # 'INSTR', 'HOL', 'PD', 'BRK' per listed day
    instructional_days: np.ndarray  # day numbers of INSTR days, ascending

    @property
    def first_day(self) -> int:
        return int(self.instructional_days[0])

    @property
    def last_day(self) -> int:
        return int(self.instructional_days[-1])


def build_track_calendar(start_year: int, track: int) -> TrackCalendar:
    """Holidays, breaks and staff days of one track; instruction fills the rest up to 180 days."""
    y, y1 = start_year, start_year + 1
    # Tracks start on the third Monday of August, the Wednesday after it, or a week earlier.
    base = _nth_weekday(y, 8, 0, 3) + timedelta(days=(0, 2, -7)[track % TRACK_COUNT])
    pd_days = {base - timedelta(days=3), base - timedelta(days=4)}  # Thu/Fri before or Mon
    pd_days = {d if d.weekday() < 5 else d - timedelta(days=2) for d in pd_days}
    pd_days.add(_nth_weekday(y, 10, 4, 2 + track % 2))  # October PD Friday
    holidays = {
        _nth_weekday(y, 9, 0, 1),  # Labor Day
        date(y, 11, 11),  # Veterans Day
        _nth_weekday(y1, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(y1, 2, 0, 3),  # Presidents' Day
        _last_weekday(y1, 5, 0),  # Memorial Day
        date(y1, 6, 19),  # Juneteenth
        date(y, 12, 25),
        date(y1, 1, 1),
        date(y1, 3, 31),  # Cesar Chavez Day
    }
    pd_days |= {_nth_weekday(y1, 2, 4, 1), _nth_weekday(y1, 4, 4, 3)}  # winter and spring PD
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    holidays |= {thanksgiving, thanksgiving + timedelta(days=1)}
    breaks = set(_week_of(thanksgiving - timedelta(days=3), 3))
    winter_monday = date(y, 12, 25) - timedelta(days=date(y, 12, 25).weekday())
    if date(y, 12, 25).weekday() >= 5:
        winter_monday += timedelta(days=7)
    breaks |= set(_week_of(winter_monday, 12))
    spring_monday = _nth_weekday(y1, 3, 0, 4) + timedelta(days=7 * (track % 2))
    breaks |= set(_week_of(spring_monday))
    pd_days.add(_nth_weekday(y1, 1, 0, 1) + timedelta(days=7 * (winter_monday.day > 23)))
    breaks -= holidays
    pd_days -= holidays | breaks

    listed: list[date] = []
    types: list[str] = []
    day = min(pd_days)
    instructional = 0
    while instructional < INSTRUCTIONAL_DAYS:
        if day.weekday() < 5:
            if day in holidays:
                kind = "HOL"
            elif day in breaks:
                kind = "BRK"
            elif day in pd_days or day < base:
                kind = "PD"
            else:
                kind = "INSTR"
                instructional += 1
            listed.append(day)
            types.append(kind)
        day += timedelta(days=1)
    # A staff day closes the year.
    while day.weekday() >= 5:
        day += timedelta(days=1)
    listed.append(day)
    types.append("PD")
    dates = np.array([day_number(d) for d in listed], dtype=np.int32)
    day_types = np.array(types)
    return TrackCalendar(y, track, dates, day_types, dates[day_types == "INSTR"])


def build_calendars(start_years: list[int]) -> dict[tuple[int, int], TrackCalendar]:
    """Every track of every generated school year, keyed by (start_year, track)."""
    return {
        (year, track): build_track_calendar(year, track)
        for year in start_years
        for track in range(TRACK_COUNT)
    }
