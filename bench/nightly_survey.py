"""One more day of survey responses: the current administration's export delivered again.

The survey platform exports each administration as one wide file and re-exports it whole while
responses still come in, so a night with a survey wave re-delivers
`responses__<year>__<season>.csv` with one more day of responses at its end. The day's volume is
the administration's mean per day of submission so far (9 in the `tiny` district, 472 in
`demo`, so about 13,700 at Los Angeles size). The respondents are students enrolled on the new
day in grades 3-12 who have not answered yet (a spread of them, the same for the same day);
each answers as an earlier respondent did (their answers, skipped items included, copied from a
spread of the existing responses), so item distributions stay the generated district's own.
Timestamps fall in the afternoon of the new day (UTC), as the generator's do. All of it is
DuckDB over the CSVs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from bench.pristine_sources import PristineSources
from warehouse.sql import quote_identifier, quote_literal

SURVEYED_GRADES = tuple(f"{grade:02d}" for grade in range(3, 13))
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
_ID_DIGITS = 7


@dataclass(frozen=True)
class SurveyDay:
    export: str | None
    responses_added: int


def current_export(survey_dir: Path, school_year: str) -> Path | None:
    """The school year's newest administration export (spring after fall), if there is one."""
    exports = sorted(Path(survey_dir).glob(f"responses__{school_year}__*.csv"))
    seasons = {"fall": 0, "spring": 1}
    exports.sort(key=lambda p: seasons.get(p.stem.rsplit("__", 1)[-1], -1))
    return exports[-1] if exports else None


def _csv(path: Path) -> str:
    return f"read_csv({quote_literal(str(path))}, header = true, all_varchar = true)"


def land_survey_day(
    survey_dir: Path,
    enrollments_csv: Path,
    school_year: str,
    new_day: date,
    pristine: PristineSources,
) -> SurveyDay:
    """Re-deliver the current administration's export with `new_day`'s responses added."""
    export = current_export(survey_dir, school_year)
    if export is None:
        return SurveyDay(None, 0)
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(f"create temp table responses as select * from {_csv(export)}")
        columns = [row[0] for row in con.execute("describe responses").fetchall()]
        items = [c for c in columns if re.fullmatch(r"Q\d+", c)]
        wanted, last_id = con.execute(
            "select greatest(1, round(count(*) / count(distinct submitted_at[1:10]))), "
            "max(response_id) from responses"
        ).fetchall()[0]
        prefix, first = last_id[:-_ID_DIGITS], int(last_id[-_ID_DIGITS:])
        day = quote_literal(new_day.isoformat())
        grades = ", ".join(quote_literal(g) for g in SURVEYED_GRADES)
        answers = ", ".join(f"answered.{quote_identifier(c)}" for c in items)
        con.execute(
            f"""
            create temp table new_responses as
            with enrolled as (
                select student_id, school_code, grade_level
                from {_csv(enrollments_csv)}
                where cast(entry_date as date) <= {day}::date
                  and (exit_date is null or cast(exit_date as date) >= {day}::date)
                  and grade_level in ({grades})
                qualify row_number() over (partition by student_id order by entry_date desc) = 1
            ),
            respondents as (
                select *, row_number() over (
                    order by hash(student_id || {day}), student_id) - 1 as k
                from enrolled
                anti join responses using (student_id)
                order by k
                limit {int(wanted)}
            ),
            answered as (
                select *, row_number() over (
                    order by hash(response_id || {day}), response_id) - 1 as k,
                    count(*) over () as n
                from responses
            )
            select {quote_literal(prefix)}
                       || lpad(cast({first} + respondents.k + 1 as varchar), {_ID_DIGITS}, '0')
                       as response_id,
                   respondents.student_id, respondents.school_code, respondents.grade_level,
                   strftime({day}::timestamp + interval 15 hour
                            + to_seconds((respondents.k * 37) % 21600), '{_TIMESTAMP}')
                       as started_at,
                   strftime({day}::timestamp + interval 15 hour
                            + to_seconds((respondents.k * 37) % 21600
                                         + 300 + (respondents.k * 53) % 1500), '{_TIMESTAMP}')
                       as submitted_at,
                   {answers}
            from respondents
            join answered on answered.k = respondents.k % answered.n
            """
        )
        (added,) = con.execute("select count(*) from new_responses").fetchall()[0]
        if added:
            pristine.before_change(export)
            staged = export.with_name(f".{export.name}.landing")
            # The export's rows in their order, then the day's: rowid is each table's row order.
            con.execute(
                f"""
                copy (
                    select * exclude (_part, _row) from (
                        select *, 0 as _part, rowid as _row from responses
                        union all by name
                        select *, 1 as _part, rowid as _row from new_responses
                    ) order by _part, _row
                ) to {quote_literal(str(staged))} (header, delimiter ',')
                """
            )
            staged.replace(export)
        return SurveyDay(export.name, int(added))
    finally:
        con.close()
