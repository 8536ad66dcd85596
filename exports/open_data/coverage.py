"""What a release covers, for readers: the district's name, each school year with the day its
figures are counted through and whether it is a year to date, and the date the data are as of.

Written into release.json, so the portal and the catalog say "Data as of 19 November 2026" and
"2026-27 (year to date)" without reading the warehouse themselves.
"""

from __future__ import annotations

from datetime import date

import duckdb

from exports.open_data.policy import DISTRICT_CODE

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def readable_date(day: str | date) -> str:
    """'2026-11-20' -> '20 November 2026' (no locale needed, the same on every machine)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def release_coverage(con: duckdb.DuckDBPyConnection) -> dict:
    """district_name, data_as_of (ISO date) and school_years {year: {counted_through,
    is_year_to_date}} for the school years the scorecard has, from marts.dim_school_years
    (the warehouse attached as `wh`)."""
    years = con.execute("""
        select
            cast(y.school_year as varchar),
            cast(y.counted_through_date as date),
            coalesce(y.is_year_to_date, false),
        from wh.marts.dim_school_years as y
        where cast(y.school_year as varchar) in (
            select distinct cast(school_year as varchar) from wh.marts.school_scorecard
        )
        order by 1
    """).fetchall()
    names = con.execute(
        "select cast(school_name as varchar) from wh.marts.school_scorecard "
        f"where school_code = '{DISTRICT_CODE}' and school_name is not null "
        "group by 1 order by count(*) desc, 1 limit 1"
    ).fetchall()
    counted = [through for _, through, _ in years if through is not None]
    return {
        "district_name": names[0][0] if names else "District",
        "data_as_of": max(counted).isoformat() if counted else None,
        "school_years": {
            year: {
                "counted_through": through.isoformat() if through else None,
                "is_year_to_date": bool(is_ytd),
            }
            for year, through, is_ytd in years
        },
    }
