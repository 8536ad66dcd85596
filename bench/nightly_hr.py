"""One more day of HR changes, written into the HR database as the HR system would.

A day's volume comes from the generated district's own recent history: the daily mean, over
the 28 days before the new day, of applications received, of hiring-funnel steps taken and
(over 60 days) of staff separations: 1.7, 4.2 and 0.1 a day in the `demo` district, so about
50, 120 and 3 at Los Angeles size; at least one application and one funnel step arrive
every night, so that even the 45 staff of the `tiny` district bring the incremental HR pull
something. The changes:

- new applications to the open vacancies (most recently posted first, in turn), each with its
  `applied` event; the applicants' self-reported groups are those of the latest applications;
- funnel steps: the open vacancies' applications that have waited longest at `applied`,
  `screened` or `interviewed` move one stage on (offers are made; hires are left to the
  generator's history);
- separations: active staff leave (`separation_date`), their current assignment ends that day
  and their position is posted as a new open vacancy.

Every changed or new row gets `last_modified_at` at the end of the new day (UTC, the format the
generator and SQLAlchemy write), so the pipeline's cursor-based pull finds exactly these rows.
The statements are SQLite's own SQL through `sqlite3`: no row passes through Python.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.pristine_sources import PristineSources

FUNNEL_WINDOW_DAYS = 28
SEPARATION_WINDOW_DAYS = 60
_NEXT_STAGE = {"applied": "screened", "screened": "interviewed", "interviewed": "offered"}
_STAGES = ("applied", "screened", "interviewed", "offered", "hired")
_STAGE_ORDER = (
    "case stage "
    + " ".join(f"when '{stage}' then {rank}" for rank, stage in enumerate(_STAGES))
    + " end"
)


@dataclass(frozen=True)
class HrDay:
    applications_added: int
    funnel_steps_added: int
    separations: int

    @property
    def rows_changed(self) -> int:
        """Rows written or updated: per application 2, per step 1, per separation 3."""
        return 2 * self.applications_added + self.funnel_steps_added + 3 * self.separations


def _daily_mean(con: sqlite3.Connection, sql: str, new_day: date, window_days: int) -> float:
    start = (new_day - timedelta(days=window_days)).isoformat()
    (count,) = con.execute(sql, (start, new_day.isoformat())).fetchone()
    return count / window_days


def day_volumes(con: sqlite3.Connection, new_day: date) -> tuple[int, int, int]:
    """(applications, funnel steps, separations) for one day, from the recent daily means."""
    applications = _daily_mean(
        con,
        "select count(*) from applications where applied_date >= ? and applied_date < ?",
        new_day,
        FUNNEL_WINDOW_DAYS,
    )
    steps = _daily_mean(
        con,
        "select count(*) from application_events "
        "where stage <> 'applied' and event_date >= ? and event_date < ?",
        new_day,
        FUNNEL_WINDOW_DAYS,
    )
    separations = _daily_mean(
        con,
        "select count(*) from staff where separation_date >= ? and separation_date < ?",
        new_day,
        SEPARATION_WINDOW_DAYS,
    )
    return max(1, round(applications)), max(1, round(steps)), round(separations)


def _max_number(con: sqlite3.Connection, table: str, column: str, prefix: str) -> int:
    (number,) = con.execute(
        f"select coalesce(max(cast(substr({column}, {len(prefix) + 1}) as integer)), 0) "
        f"from {table} where {column} like '{prefix}%'"
    ).fetchone()
    return int(number)


def _add_applications(con: sqlite3.Connection, day: str, stamp: str, wanted: int) -> int:
    first = _max_number(con, "applications", "application_id", "APP")
    con.execute(
        """
        create temp table new_applications as
        with open_vacancies as (
            select vacancy_id,
                   row_number() over (order by posted_date desc, vacancy_id) - 1 as turn,
                   count(*) over () as open_count
            from vacancies where status = 'OPEN'
        ),
        latest as (
            select is_hispanic_latino, race_codes, gender,
                   row_number() over (order by applied_date desc, application_id desc) - 1 as k
            from applications
            order by applied_date desc, application_id desc
            limit :wanted
        )
        select printf('APP%07d', :first + latest.k + 1) as application_id,
               printf('C%07d', ((:first + latest.k) * 7919) % 9999991 + 1) as applicant_id,
               open_vacancies.vacancy_id,
               latest.is_hispanic_latino, latest.race_codes, latest.gender
        from latest
        join open_vacancies on open_vacancies.turn = latest.k % open_vacancies.open_count
        """,
        {"wanted": wanted, "first": first},
    )
    con.execute(
        "insert into applications (application_id, applicant_id, vacancy_id, applied_date, "
        "is_hispanic_latino, race_codes, gender, last_modified_at) "
        "select application_id, applicant_id, vacancy_id, ?, is_hispanic_latino, race_codes, "
        "gender, ? from new_applications",
        (day, stamp),
    )
    con.execute(
        "insert into application_events (application_id, stage, event_date, last_modified_at) "
        "select application_id, 'applied', ?, ? from new_applications",
        (day, stamp),
    )
    (added,) = con.execute("select count(*) from new_applications").fetchone()
    con.execute("drop table new_applications")
    return int(added)


def _add_funnel_steps(con: sqlite3.Connection, day: str, stamp: str, wanted: int) -> int:
    next_stage = " ".join(f"when '{a}' then '{b}'" for a, b in _NEXT_STAGE.items())
    cursor = con.execute(
        f"""
        insert into application_events (application_id, stage, event_date, last_modified_at)
        with furthest as (
            select application_id, stage, event_date,
                   row_number() over (
                       partition by application_id order by {_STAGE_ORDER} desc) as rank
            from application_events
        )
        select furthest.application_id, case furthest.stage {next_stage} end, :day, :stamp
        from furthest
        join applications using (application_id)
        join vacancies using (vacancy_id)
        where furthest.rank = 1 and vacancies.status = 'OPEN'
          and furthest.stage in ({", ".join(f"'{s}'" for s in _NEXT_STAGE)})
          and furthest.event_date < :day
        order by furthest.event_date, furthest.application_id
        limit :wanted
        """,
        {"day": day, "stamp": stamp, "wanted": wanted},
    )
    return cursor.rowcount


def _separate_staff(con: sqlite3.Connection, day: str, stamp: str, wanted: int) -> int:
    if wanted == 0:
        return 0
    first_vacancy = _max_number(con, "vacancies", "vacancy_id", "V")
    # A spread of active staff with a current school assignment, the same for the same day.
    con.execute(
        """
        create temp table leaving as
        select assignments.assignment_id, assignments.staff_id, assignments.position_id,
               assignments.school_code, assignments.job_category,
               row_number() over (order by (cast(substr(assignments.staff_id, 2) as integer)
                                            * 7919 + julianday(:day)) % 10007,
                                           assignments.staff_id) as k
        from assignments
        join staff using (staff_id)
        where assignments.end_date is null and staff.separation_date is null
          and assignments.school_code is not null
        order by k
        limit :wanted
        """,
        {"day": day, "wanted": wanted},
    )
    con.execute(
        "update staff set separation_date = ?, last_modified_at = ? "
        "where staff_id in (select staff_id from leaving)",
        (day, stamp),
    )
    con.execute(
        "update assignments set end_date = ?, last_modified_at = ? "
        "where assignment_id in (select assignment_id from leaving)",
        (day, stamp),
    )
    con.execute(
        "insert into vacancies (vacancy_id, position_id, school_code, job_category, posted_date, "
        "filled_date, closed_date, status, last_modified_at) "
        "select printf('V%06d', ? + k), position_id, school_code, job_category, ?, null, null, "
        "'OPEN', ? from leaving",
        (first_vacancy, day, stamp),
    )
    (left,) = con.execute("select count(*) from leaving").fetchone()
    con.execute("drop table leaving")
    return int(left)


def land_hr_day(hr_file: Path, new_day: date, pristine: PristineSources) -> HrDay:
    """Write one day of HR changes into `hr_file` (kept first in `pristine`) and count them."""
    pristine.before_change(hr_file)
    day = new_day.isoformat()
    stamp = f"{day} 23:00:00.000000"
    con = sqlite3.connect(hr_file)
    try:
        applications, steps, separations = day_volumes(con, new_day)
        # Separations first: the positions they open receive applications the same day.
        left = _separate_staff(con, day, stamp, separations)
        added = _add_applications(con, day, stamp, applications)
        stepped = _add_funnel_steps(con, day, stamp, steps)
        con.commit()
    finally:
        con.close()
    return HrDay(added, stepped, left)
