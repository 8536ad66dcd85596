"""One more school day of tutoring sessions in the vendor's saved pages.

The saved pages are the vendor's whole snapshot, records in `updated_at` order, so a day's new
sessions arrive at its end: the last page is filled up to the page size and further pages follow
it, and the pages before stay as they were (the loader reloads only the pages that changed).
The new sessions are the reference day's sessions (the previous school day) moved to the new
day: same students, services, subjects, times of day, durations, tutors and statuses, so the
day's volume and mix are the generated district's own; each gets the next session id and an
`updated_at` an hour after the session ended. All of it is DuckDB over the JSON pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from bench.pristine_sources import PristineSources
from ingestion.contracts import TUTORING_TABLES
from warehouse.sql import quote_literal

SESSIONS = TUTORING_TABLES[0]
_PAGE = re.compile(r"^page-(\d+)\.json$")
_PAGES_OPTIONS = "columns = {'data': 'JSON[]', 'meta': 'JSON'}, format = 'auto', filename = true"
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class TutoringDay:
    sessions_added: int
    pages_written: tuple[str, ...]


def _pages(sessions_dir: Path) -> list[tuple[int, Path]]:
    numbered = [
        (int(match.group(1)), path)
        for path in Path(sessions_dir).glob("page-*.json")
        if (match := _PAGE.match(path.name))
    ]
    if not numbered:
        raise FileNotFoundError(f"no saved tutoring pages in {sessions_dir}")
    return sorted(numbered)


def _read(pages: list[Path]) -> str:
    names = ", ".join(quote_literal(str(p)) for p in pages)
    return f"read_json([{names}], {_PAGES_OPTIONS})"


def _tail_pages(con: duckdb.DuckDBPyConnection, pages: list[tuple[int, Path]], day: date) -> list:
    """The last pages, back to the first whose records were all updated before `day`.

    A session's `updated_at` is never before it started, so every session started on `day` is
    on these pages.
    """
    tail = []
    for number, path in reversed(pages):
        tail.insert(0, (number, path))
        oldest = con.execute(
            f"select min(rec ->> 'updated_at') from "
            f"(select unnest(data) as rec from {_read([path])})"
        ).fetchall()[0][0]
        if oldest is not None and oldest[:10] < day.isoformat():
            break
    return tail


def land_tutoring_day(
    sessions_dir: Path, reference_day: date, new_day: date, pristine: PristineSources
) -> TutoringDay:
    """Append `reference_day`'s sessions, moved to `new_day`, to the saved session pages."""
    pages = _pages(sessions_dir)
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        tail = _tail_pages(con, pages, reference_day)
        con.execute(
            f"""
            create temp table tail_records as
            select cast(regexp_extract(filename, 'page-(\\d+)\\.json$', 1) as integer) as page,
                   unnest(range(1, len(data) + 1)) as position,
                   unnest(data) as rec,
                   meta
            from {_read([p for _, p in tail])}
            """
        )
        last_page, page_size, total = con.execute(
            "select page, cast(meta ->> 'page_size' as integer), "
            "cast(meta ->> 'total' as bigint) from tail_records order by page desc limit 1"
        ).fetchall()[0]
        shift = (new_day - reference_day).days
        con.execute(
            f"""
            create temp table new_sessions as
            with reference as (
                select rec, position, page,
                       cast(rec ->> 'started_at' as timestamp) + interval ({shift}) day
                           as started,
                       cast(rec ->> 'duration_minutes' as integer) as minutes
                from tail_records
                where (rec ->> 'started_at')[1:10] = ?
            ),
            numbered as (
                select *, (select max(cast(regexp_extract(rec ->> 'session_id', '(\\d+)$', 1)
                                        as bigint)) from tail_records)
                          + row_number() over (order by started, page, position) as number
                from reference
            )
            select number,
                   json_object(
                       'session_id', 'TS' || lpad(cast(number as varchar), 8, '0'),
                       'student_id', rec ->> 'student_id',
                       'school_code', rec ->> 'school_code',
                       'service_type', rec ->> 'service_type',
                       'subject', rec ->> 'subject',
                       'started_at', strftime(started, '{_TIMESTAMP}'),
                       'duration_minutes', minutes,
                       'tutor_id', rec ->> 'tutor_id',
                       'status', rec ->> 'status',
                       'updated_at', strftime(
                           started + to_minutes(minutes) + interval 1 hour, '{_TIMESTAMP}')
                   ) as rec
            from numbered
            """,
            [reference_day.isoformat()],
        )
        added = con.execute("select count(*) from new_sessions").fetchall()[0][0]
        if not added:
            return TutoringDay(0, ())
        # The last page's records, then the new ones in session order, cut into pages.
        con.execute(
            f"""
            create temp table paged as
            with ordered as (
                select rec, 0 as part, position as n from tail_records where page = {last_page}
                union all
                select rec, 1 as part, number as n from new_sessions
            )
            select rec, row_number() over (order by part, n) as seq,
                   {last_page} + (seq - 1) // {page_size} as page
            from ordered
            """
        )
        last_written = con.execute("select max(page) from paged").fetchall()[0][0]
        written = []
        for page in range(last_page, last_written + 1):
            path = Path(sessions_dir) / f"page-{page:05d}.json"
            if page == last_page:
                pristine.before_change(path)
            next_cursor = f"'p{page + 1:05d}'" if page < last_written else "null::varchar"
            con.execute(
                f"""
                copy (
                    select list(rec order by seq) as data,
                           {{'page': {page}, 'page_size': {page_size},
                             'next_cursor': {next_cursor}, 'total': {total + added}}} as meta
                    from paged where page = {page}
                ) to {quote_literal(str(path))} (format json)
                """
            )
            if page != last_page:
                pristine.added(path)
            written.append(path.name)
        return TutoringDay(int(added), tuple(written))
    finally:
        con.close()
