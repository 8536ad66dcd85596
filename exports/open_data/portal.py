"""A static open-data site generated from one release, in English and Spanish (under es/): a
home page with the downloads and dictionaries, and one report card per school (and one for the
district) with charts of every measure over time and by student group. Plain HTML and inline
SVG, so it can be served from any static host with no CDN or network; the scripts (search,
language) only add to pages that work without them."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from exports.open_data import (
    portal_home,
    portal_layout,
    portal_school,
    portal_templates,
    portal_text,
    svg_charts,
)
from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_home import ListedSchool, grade_span, home_page
from exports.open_data.portal_layout import Site, copy_assets, frame
from exports.open_data.portal_school import Headline, Measure, measure_section, table_of_contents
from exports.open_data.portal_templates import render_parts, render_section
from exports.open_data.portal_text import (
    LANGUAGES,
    Language,
    Texts,
    catalogue_bytes,
    load_catalogue,
)
from exports.open_data.public_modes import make_world_readable
from warehouse.connection import duckdb_limits
from warehouse.sql import quote_literal

DOCUMENT_FILES = (
    "data_dictionary.md",
    "data_dictionary.csv",
    "suppression_notes.md",
    "datapackage.json",
    "data.json",
    "SHA256SUMS",
)

log = logging.getLogger(__name__)

PORTAL_STATE_FILE = ".portal_state.json"
_STATE_FORMAT = 2


@dataclass
class PortalResult:
    """Where the site was written, how many school pages it has (in each language), and what
    was redrawn (pages and sections counted over all languages)."""

    out_dir: Path
    school_pages: int
    pages_rendered: int = 0  # written anew (in whole or in part)
    pages_reused: int = 0  # the previous build's file, unchanged
    sections_rendered: int = 0
    sections_reused: int = 0
    # Catalogue keys shown in English on the Spanish pages for want of a translation.
    missing_translations: list[str] = field(default_factory=list)


def _stage_meta(
    con: duckdb.DuckDBPyConnection, release_dir: Path, year_labels: dict[str, str]
) -> None:
    """Temp tables of what pages are ordered and labelled by: `measure_order` (the plan's
    priority measures first, then the rest by area and name) and `year_labels` (the label a
    partial school year carries, as a section's digest must see it)."""
    con.execute(f"""
        create temp table measure_order as
        select measure_code as measure, plan_priority is not null as is_priority,
            coalesce(plan_section, 'more-' || area) as section_key,
            row_number() over (
                order by plan_priority nulls last, area, measure_name, measure_code
            ) as plan_rank,
        from read_parquet('{release_dir / "data" / "measures.parquet"}')
    """)
    con.execute(
        "create temp table year_labels as "
        "select unnest(?::varchar[]) as school_year, unnest(?::varchar[]) as label",
        [list(year_labels), list(year_labels.values())],
    )


_DRAWN_COLUMNS = (
    "student_group, n, value, suppressed, suppression_reason, status_level, change_level, "
    "color, target_value, target_school_year, is_on_track"
)


def _stage_cells(con: duckdb.DuckDBPyConnection, release_dir: Path) -> None:
    """Temp table `sections`: one row per page section (school, measure), with its position on
    the page (plan order), the measure's latest school year there, whether it opens a plan
    section, and a digest of everything it draws.

    A section draws every cell of its school and measure (the trend of all students, the groups
    of the latest year, the gaps of every group over the years), the district's figure for all
    students and the labels of partial years. The digest is built from per-year sums of row
    hashes, so it needs one aggregate over the published cells and no copy of them.
    """
    con.execute(f"""
        create temp table year_sums as
        select
            c.school_code,
            c.measure,
            c.school_year,
            sum(hash({_DRAWN_COLUMNS})) as year_hash,
            count(*) as year_rows,
        from {_published_cells(release_dir)} as c
        group by c.school_code, c.measure, c.school_year
    """)
    con.execute(f"""
        create temp table district_all as
        select measure, school_year, value, suppressed, suppression_reason,
        from {_published_cells(release_dir)}
        where school_code = '{DISTRICT_CODE}' and student_group = 'ALL'
    """)
    con.execute("""
        create temp table sections as
        with keyed as (
            select
                y.school_code,
                y.measure,
                max(y.school_year) as latest_year,
                concat_ws(
                    ':',
                    max(y.school_year),
                    sum(hash(y.school_year, coalesce(l.label, ''), y.year_hash, y.year_rows)),
                    count(*)
                ) as cells_key,
            from year_sums as y
            left join year_labels as l on l.school_year = y.school_year
            group by y.school_code, y.measure
        ),
        district_keys as (
            select measure, school_year,
                hash(value, suppressed, suppression_reason) as district_hash,
            from district_all
        ),
        ordered as (
            select
                k.*,
                coalesce(o.plan_rank, 1000000) as plan_rank,
                coalesce(o.is_priority, false) as is_priority,
                coalesce(o.section_key, '') as section_key,
                cast(
                    row_number() over (
                        partition by k.school_code order by coalesce(o.plan_rank, 1000000),
                            k.measure
                    ) - 1 as integer
                ) as position,
            from keyed as k
            left join measure_order as o on o.measure = k.measure
        ),
        opened as (
            select ordered.*,
                lag(section_key) over (partition by school_code order by position)
                    is distinct from section_key as opens_section,
            from ordered
        )
        select
            o.school_code,
            o.measure,
            o.position,
            o.latest_year,
            o.is_priority,
            o.opens_section,
            concat_ws(
                ':', o.cells_key, o.opens_section,
                coalesce(cast(d.district_hash as varchar), '-')
            ) as content_key,
        from opened as o
        left join district_keys as d
            on d.measure = o.measure and d.school_year = o.latest_year
    """)
    con.execute("drop table year_sums")


def _published_cells(release_dir: Path) -> str:
    """The release's measure cells. A cell without a figure because the district does not
    report the measure (reporting_status `not_reported` or `not_enough_history`) carries that
    status where a withheld cell carries its reason, so every table and chart says why."""
    data = release_dir / "data"
    return (
        "(select * replace (coalesce(suppression_reason, case when reporting_status "
        "<> 'reported' then reporting_status end) as suppression_reason) "
        f"from read_parquet(['{data / 'scorecard_measures.parquet'}', "
        f"'{data / 'district_measures.parquet'}']))"
    )


def _group_order_sql(groups: dict[str, str]) -> str:
    """A DuckDB list of the group codes in report order, for list_position()."""
    return "[" + ", ".join(quote_literal(code) for code in groups) + "]"


def _group_labels(con: duckdb.DuckDBPyConnection, release_dir: Path) -> dict[str, str]:
    """Group code -> name, in report order, from the release's student_groups file."""
    return dict(
        con.execute(
            "select code, name from "
            f"read_parquet('{release_dir / 'data' / 'student_groups.parquet'}') "
            "order by sort_order, code"
        ).fetchall()
    )


def _measures(con: duckdb.DuckDBPyConnection, release_dir: Path) -> dict[str, Measure]:
    """Measure code -> Measure, from the release's measures file."""
    rows = con.execute(f"""
        select measure_code, measure_name, area, unit, higher_is_better, plan_section,
            plain_description,
        from read_parquet('{release_dir / "data" / "measures.parquet"}')
    """).fetchall()
    return {row[0]: Measure(*row[:6], row[6] or "") for row in rows}


def _year_labels(school_years: dict[str, dict], t: Texts) -> dict[str, tuple[str, str]]:
    """School year -> (short, long) label of every year to date in release.json."""
    labels = {}
    for year, entry in sorted(school_years.items()):
        if entry.get("is_year_to_date"):
            through = entry.get("counted_through")
            long = (
                t("year.ytd_long_counted", year=year, date=t.date(through))
                if through
                else t("year.ytd_long", year=year)
            )
            labels[year] = (t("year.ytd_short", year=year), long)
    return labels


@dataclass
class _Language:
    """One language's pages: where they go, their words, and the measures, group names and
    year labels in that language."""

    language: Language
    t: Texts
    site: Site
    measures: dict[str, Measure]
    group_names: dict[str, str]
    year_labels: dict[str, tuple[str, str]]


def _in_language(
    language: Language,
    entries: dict,
    release: dict,
    measures: dict[str, Measure],
    group_names: dict[str, str],
) -> _Language:
    """The release's measures, groups, dates and labels in `language`."""
    t = Texts(language.code, entries)
    as_of = release.get("data_as_of")
    return _Language(
        language=language,
        t=t,
        site=Site(
            district_name=release.get("district_name") or "District",
            as_of_text=t("site.as_of", date=t.date(as_of)) if as_of else "",
        ),
        measures={
            code: replace(
                measure,
                name=t.translated(f"measure.{code}.name", measure.name),
                plain_description=t.translated(
                    f"measure.{code}.description", measure.plain_description
                ),
            )
            for code, measure in measures.items()
        },
        group_names={
            code: t.translated(f"group.{code}", name) for code, name in group_names.items()
        },
        year_labels=_year_labels(release.get("school_years") or {}, t),
    )


def _first_names(
    con: duckdb.DuckDBPyConnection, release_dir: Path, codes: list[str], groups: dict[str, str]
) -> dict:
    """Names of schools missing from the directory: the name on their first cell, in page
    order (measure, group order, group, year)."""
    if not codes:
        return {}
    order = _group_order_sql(groups)
    return dict(
        con.execute(
            f"""
            select school_code, arg_min(
                school_name,
                (measure, coalesce(list_position({order}, student_group), 999),
                    student_group, school_year)
            ),
            from {_published_cells(release_dir)}
            where school_code in (select unnest(?::varchar[]))
            group by school_code
            """,
            [codes],
        ).fetchall()
    )


def _fetch_shown(
    con: duckdb.DuckDBPyConnection, release_dir: Path, only_changed: bool, groups: dict[str, str]
) -> dict[str, list]:
    """The cells the sections draw (only the sections in `redraw` if asked), as Python lists
    per column (one conversion per column, not per cell), sorted by school, position, group
    order and year: all students every year, every group in the latest year and, for the plan's
    priority measures, every group every year with its gap to all students (computed here, and
    only between two figures published as numbers). All-students rows carry the district's
    figure for the same year."""
    order = _group_order_sql(groups)
    redraw = (
        "inner join redraw as r on r.school_code = p.school_code and r.measure = p.measure"
        if only_changed
        else ""
    )
    table = con.sql(f"""
        with shown as (
            select p.*, s.position, s.latest_year, s.is_priority, s.opens_section,
            from {_published_cells(release_dir)} as p
            inner join sections as s on s.school_code = p.school_code and s.measure = p.measure
            {redraw}
            where p.student_group = 'ALL' or p.school_year = s.latest_year or s.is_priority
        ),
        gapped as (
            select shown.*,
                case when is_priority then
                    try_cast(value as double) - max(try_cast(value as double))
                        filter (where student_group = 'ALL')
                        over (partition by school_code, measure, school_year)
                end as gap,
            from shown
        )
        select g.school_code, g.measure, g.school_year, g.student_group, g.n, g.value,
            g.suppressed, g.suppression_reason, g.status_level, g.change_level, g.color,
            g.target_value, g.target_school_year, g.is_on_track, g.gap,
            g.student_group = 'ALL' as is_trend,
            g.school_year = g.latest_year as is_latest,
            g.position,
            g.opens_section,
            d.value as district_value,
            d.suppressed as district_suppressed,
            d.suppression_reason as district_reason,
        from gapped as g
        left join district_all as d
            on g.student_group = 'ALL' and g.school_code <> '{DISTRICT_CODE}'
            and d.measure = g.measure and d.school_year = g.school_year
        order by g.school_code, g.position,
            coalesce(list_position({order}, g.student_group), 999), g.student_group,
            g.school_year
    """).to_arrow_table()
    return {name: table.column(name).to_pylist() for name in table.column_names}


def _address(entry: tuple | None) -> str:
    """'12 Main St, Springfield, CA 90001' from a directory row (empty when not listed)."""
    if entry is None:
        return ""
    street, city, state, zip_code = entry[5:9]
    place = " ".join(part for part in (state, zip_code) if part)
    return ", ".join(part for part in (street, city, place) if part)


def _section_rows(cells: dict[str, list], start: int, end: int, labels: dict[str, str]):
    """The trend, latest-year groups, headline and gap series of one section's rows."""
    years, groups, ns = cells["school_year"], cells["student_group"], cells["n"]
    values, suppressed, reasons = cells["value"], cells["suppressed"], cells["suppression_reason"]
    is_trend, is_latest, gap = cells["is_trend"], cells["is_latest"], cells["gap"]
    trend = [
        (labels.get(years[i], years[i]), values[i], suppressed[i], reasons[i], ns[i])
        for i in range(start, end)
        if is_trend[i]
    ]
    latest = [i for i in range(start, end) if is_latest[i]]
    head = next((i for i in latest if is_trend[i]), None)
    shown_years = sorted({years[i] for i in range(start, end)})
    by_group: dict[str, dict[str, float | None]] = {}
    for i in range(start, end):
        if not is_trend[i] and gap[i] is not None:
            by_group.setdefault(groups[i], {})[years[i]] = gap[i]
    return trend, latest, head, shown_years, by_group


def _render_sections(cells: dict[str, list], view: _Language):
    """Yield (school_code, position, section html) in `view`'s language, one pass over the
    drawn cells.

    `view.year_labels`: school year -> (short, long) labels of partial years ("2026-27 YTD",
    "2026-27, the year to date (counted through 19 November 2026)")."""
    measures, group_names, year_labels, t = (
        view.measures,
        view.group_names,
        view.year_labels,
        view.t,
    )
    codes, positions, years = cells["school_code"], cells["position"], cells["school_year"]
    groups, ns, values = cells["student_group"], cells["n"], cells["value"]
    suppressed, reasons = cells["suppressed"], cells["suppression_reason"]
    short_labels = {year: label for year, (label, _) in year_labels.items()}
    total = len(codes)
    start = 0
    while start < total:
        code, position = codes[start], positions[start]
        end = start + 1
        while end < total and positions[end] == position and codes[end] == code:
            end += 1
        measure = measures[cells["measure"][start]]
        trend, latest, head, shown_years, by_group = _section_rows(cells, start, end, short_labels)
        latest_year = max(years[start:end])
        headline = None
        if head is not None:
            district = (
                (
                    cells["district_value"][head],
                    bool(cells["district_suppressed"][head]),
                    cells["district_reason"][head],
                )
                if cells["district_suppressed"][head] is not None
                else None
            )
            headline = Headline(
                year_label=year_labels.get(latest_year, (latest_year, latest_year))[1],
                value=values[head],
                suppressed=suppressed[head],
                reason=reasons[head],
                n=ns[head],
                status_level=cells["status_level"][head],
                change_level=cells["change_level"][head],
                color=cells["color"][head],
                target_value=cells["target_value"][head],
                target_school_year=cells["target_school_year"][head],
                is_on_track=cells["is_on_track"][head],
                district=district,
                has_earlier_year=len(trend) > 1,
            )
        latest_rows = [
            (group_names[groups[i]], values[i], suppressed[i], reasons[i], ns[i]) for i in latest
        ]
        gaps = None
        if by_group:
            gaps = (
                [short_labels.get(year, year) for year in shown_years],
                [
                    (group_names[group], [series.get(year) for year in shown_years])
                    for group, series in by_group.items()
                ],
            )
        notes = [
            t("section.ytd_note", label=long_label)
            for year, (_, long_label) in year_labels.items()
            if year in shown_years
        ]
        opens = cells["opens_section"][start]
        yield (
            code,
            position,
            render_section(
                measure_section(
                    position,
                    measure,
                    opens,
                    headline,
                    trend,
                    short_labels.get(latest_year, latest_year),
                    latest_rows,
                    gaps,
                    notes,
                    t,
                ),
                t,
            ),
        )
        start = end


def _listing(entry: tuple | None) -> tuple:
    """(level, low grade, high grade, address) of a directory row, for the home page."""
    if entry is None:
        return None, None, None, ""
    return entry[2], entry[3], entry[4], _address(entry)


def _write_parts(path: Path, parts: list) -> None:
    """Write byte strings and views one after the other without joining them first."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        total = sum(len(part) for part in parts)
        written = os.writev(descriptor, parts)
        if written < total:  # a short write: the rest in one piece
            rest = b"".join(bytes(part) for part in parts)[written:]
            while rest:
                rest = rest[os.write(descriptor, rest) :]
    finally:
        os.close(descriptor)


@dataclass
class _PagesJob:
    """What drawing and writing pages needs besides the pages and their cells."""

    views: list[_Language]
    directory: dict[str, tuple]
    first_names: dict[str, str]
    old_pages: dict[str, dict[str, dict | None]]  # language -> code -> previous page
    out_dir: Path
    work_dir: Path

    def write(self, items: list, cells: dict[str, list]) -> tuple[list, dict, dict, list]:
        """Draw the sections in `cells` and write the pages `items` (code, {language:
        sections}) in every language; return the listed (code, name) pairs, their state per
        language, the counts and the catalogue keys shown in English for want of a
        translation."""
        listed = []
        state_pages: dict[str, dict] = {view.language.code: {} for view in self.views}
        counts = dict.fromkeys(
            ("pages_rendered", "pages_reused", "sections_rendered", "sections_reused"), 0
        )
        for code, _ in items:
            entry = self.directory.get(code)
            listed.append((code, entry[1] if entry is not None else self.first_names[code]))
        for view in self.views:
            drawn = (
                {
                    (code, position): html.encode("utf-8")
                    for code, position, html in _render_sections(cells, view)
                }
                if cells
                else {}
            )
            for (code, by_language), (_, name) in zip(items, listed, strict=True):
                self._write_page(
                    view,
                    code,
                    name,
                    by_language[view.language.code],
                    drawn,
                    state_pages[view.language.code],
                    counts,
                )
        missing = sorted({key for view in self.views for key in view.t.missing})
        return listed, state_pages, counts, missing

    def _write_page(
        self,
        view: _Language,
        code: str,
        name: str,
        page_sections: list,
        drawn: dict,
        state_pages: dict,
        counts: dict,
    ) -> None:
        """Write one report card in one language: its head and end from the page template,
        each section copied from the previous page when unchanged or drawn anew."""
        t, prefix = view.t, view.language.prefix
        entry = self.directory.get(code)
        facts = [
            grade_span(entry[3], entry[4], t) if entry else "",
            _address(entry),
            t("school.code", code=code) if code != DISTRICT_CODE else "",
        ]
        contents = [(section[0], view.measures[section[1]]) for section in page_sections]
        head_text, end_text = render_parts(
            "district.html.j2" if code == DISTRICT_CODE else "school.html.j2",
            **frame(view.language, t, f"schools/{code}.html"),
            title=t("school.title", name=name),
            site=view.site,
            name=name,
            facts=[fact for fact in facts if fact],
            toc=table_of_contents(contents, t),
        )
        head, end_bytes = head_text.encode("utf-8"), end_text.encode("utf-8")
        head_digest = hashlib.md5(head + end_bytes, usedforsecurity=False).hexdigest()
        old_path = self.out_dir / prefix / "schools" / f"{code}.html"
        new_path = self.work_dir / prefix / "schools" / f"{code}.html"
        reused = sum(1 for section in page_sections if section[3] is not None)
        counts["sections_reused"] += reused
        counts["sections_rendered"] += len(page_sections) - reused
        old_page = self.old_pages[view.language.code][code]
        if (
            reused == len(page_sections)
            and old_page["head"] == head_digest
            and len(old_page["sections"]) == len(page_sections)
        ):
            _link_or_copy(old_path, new_path)
            state_pages[code] = old_page
            counts["pages_reused"] += 1
            return
        old_bytes = memoryview(old_path.read_bytes()) if reused else memoryview(b"")
        parts = [head]
        offset = len(head)
        recorded = []
        for position, measure, key, old in page_sections:
            piece = old_bytes[old[2] : old[3]] if old is not None else drawn[(code, position)]
            parts.append(piece)
            recorded.append([measure, key, offset, offset + len(piece)])
            offset += len(piece)
        parts.append(end_bytes)
        _write_parts(new_path, parts)
        state_pages[code] = {
            "size": offset + len(end_bytes),
            "head": head_digest,
            "sections": recorded,
        }
        counts["pages_rendered"] += 1


# Below this much work a second process costs more than it saves.
_MIN_ROWS_TO_SPLIT = 20_000


def _halves(items: list, cells: dict[str, list]) -> list[tuple[list, dict[str, list]]]:
    """The pages and their cells split in two at a school, about half the cells each."""
    codes = cells.get("school_code", [])
    if len(codes) < _MIN_ROWS_TO_SPLIT or len(items) < 2:
        return [(items, cells)]
    split = len(codes) // 2
    while split < len(codes) and codes[split] == codes[split - 1]:
        split += 1
    if split >= len(codes):
        return [(items, cells)]
    first_of_second = codes[split]
    page_split = next(i for i, (code, _) in enumerate(items) if code >= first_of_second)
    first = {name: column[:split] for name, column in cells.items()}
    second = {name: column[split:] for name, column in cells.items()}
    return [(items[:page_split], first), (items[page_split:], second)]


_FORKED_JOB: tuple | None = None


def _write_forked_half() -> tuple[list, dict, dict, list]:
    job, (items, cells) = _FORKED_JOB
    return job.write(items, cells)


def _in_two_processes(job: _PagesJob, halves: list) -> list[tuple[list, dict, dict, list]]:
    """The second half in a forked process (it inherits the data; only its small result
    comes back), the first here, at the same time."""
    global _FORKED_JOB
    _FORKED_JOB = (job, halves[1])
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pending = pool.apply_async(_write_forked_half)
            first = job.write(*halves[0])
            second = pending.get()
    finally:
        _FORKED_JOB = None
    return [first, second]


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a release file into the site (releases are never modified); copy if the
    file system refuses."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# The renderer's code, read when the module is imported: the code and templates that draw
# the pages.
_RENDERER_CODE = hashlib.md5(
    b"".join(
        Path(module.__file__).read_bytes()
        for module in (
            sys.modules[__name__],
            svg_charts,
            portal_school,
            portal_templates,
            portal_home,
            portal_layout,
            portal_text,
        )
    )
    + portal_templates.templates_digest(),
    usedforsecurity=False,
).hexdigest()


def _renderer_digest(views: list[_Language]) -> str:
    """What every section depends on besides its own cells (and the labels of the partial
    years it shows, in its own digest): the renderer's code and templates, the catalogue of
    words, the group names and the measure catalog in every language, and the DuckDB version.
    A change to any of them redraws every page."""
    digest = hashlib.md5(_RENDERER_CODE.encode("utf-8"), usedforsecurity=False)
    # DuckDB's hash() makes the section digests; another version may hash differently.
    digest.update(duckdb.__version__.encode("utf-8"))
    digest.update(catalogue_bytes())
    document = [
        [
            view.language.code,
            list(view.group_names.items()),
            sorted((code, repr(measure)) for code, measure in view.measures.items()),
            sorted(view.year_labels.items()),
        ]
        for view in views
    ]
    digest.update(json.dumps(document).encode("utf-8"))
    return digest.hexdigest()


def _read_state(out_dir: Path, renderer: str) -> dict[str, dict]:
    """Pages of the previous build per language, if it was drawn by this renderer with this
    catalog."""
    try:
        state = json.loads((out_dir / PORTAL_STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if state.get("format") != _STATE_FORMAT or state.get("renderer") != renderer:
        return {}
    pages = state.get("pages")
    return pages if isinstance(pages, dict) else {}


def _previous_page(page: Path, entry: dict | None) -> dict | None:
    """The previous build's record of a page, if its file is still the one recorded."""
    if not isinstance(entry, dict):
        return None
    try:
        size = page.stat().st_size
    except OSError:
        return None
    return entry if size == entry.get("size") else None


def build_portal(release_dir: str | Path, out_dir: str | Path, processes: int = 2) -> PortalResult:
    """Write the static site for `release_dir` into `out_dir` (replaced atomically), in
    English (at the root) and Spanish (under es/).

    Sections whose drawn cells, position and renderer are unchanged since the previous build in
    `out_dir` are copied from its pages byte for byte (a page with nothing changed is linked
    whole); the others are drawn. The result is the same site a build from nothing writes.
    With `processes` = 2 (the default; OPEN_DATA_PORTAL_PROCESSES overrides it) and fork
    available, half of the pages are drawn and written by a forked process. Catalogue keys
    shown in English for want of a Spanish text are logged and listed in the result.
    """
    if processes is None:
        processes = int(os.environ.get("OPEN_DATA_PORTAL_PROCESSES", "").strip() or 2)
    release_dir = Path(release_dir).resolve()
    out_dir = Path(out_dir)
    work_dir = out_dir.with_name(f".{out_dir.name}.tmp")
    shutil.rmtree(work_dir, ignore_errors=True)
    for language in LANGUAGES:
        (work_dir / language.prefix / "schools").mkdir(parents=True)
    (work_dir / "downloads" / "data").mkdir(parents=True)
    for source in sorted((release_dir / "data").iterdir()):
        _link_or_copy(source, work_dir / "downloads" / "data" / source.name)
    for name in DOCUMENT_FILES:
        _link_or_copy(release_dir / name, work_dir / "downloads" / name)
    copy_assets(work_dir)
    release = json.loads((release_dir / "release.json").read_text(encoding="utf-8"))
    entries = load_catalogue()
    english_years = _year_labels(release.get("school_years") or {}, Texts("en", entries))

    con = duckdb.connect(config=duckdb_limits())
    con.execute("set enable_progress_bar = false")
    try:
        _stage_meta(con, release_dir, {year: long for year, (_, long) in english_years.items()})
        _stage_cells(con, release_dir)
        data = release_dir / "data"
        schools = con.execute(
            "select school_code, school_name, school_level, low_grade, high_grade, "
            "street, city, state, zip "
            f"from read_parquet('{data / 'school_directory.parquet'}') order by school_code"
        ).fetchall()
        measures = _measures(con, release_dir)
        group_names = _group_labels(con, release_dir)
        section_rows = con.execute(
            "select school_code, position, measure, content_key from sections "
            "order by school_code, position"
        ).fetchall()
        listed_codes = {row[0] for row in schools}
        first_names = _first_names(
            con, release_dir, sorted({row[0] for row in section_rows} - listed_codes), group_names
        )
        for code in {row[2] for row in section_rows} - set(measures):
            measures[code] = Measure(code, code, "", "", None, None, "")
        views = [
            _in_language(language, entries, release, measures, group_names)
            for language in LANGUAGES
        ]
        renderer = _renderer_digest(views)
        previous = _read_state(out_dir, renderer)
        codes = {row[0] for row in section_rows}
        old_pages = {
            language.code: {
                code: _previous_page(
                    out_dir / language.prefix / "schools" / f"{code}.html",
                    (previous.get(language.code) or {}).get(code),
                )
                for code in codes
            }
            for language in LANGUAGES
        }
        pages: dict[str, dict[str, list[tuple[int, str, str, list | None]]]] = {}
        redraw: list[tuple[str, str]] = []
        for code, position, measure, key in section_rows:
            by_language = pages.setdefault(code, {language.code: [] for language in LANGUAGES})
            stale = False
            for language in LANGUAGES:
                old_page = old_pages[language.code][code]
                old_sections = old_page["sections"] if old_page else []
                old = old_sections[position] if position < len(old_sections) else None
                if old is None or old[0] != measure or old[1] != key:
                    old = None
                    stale = True
                by_language[language.code].append((position, measure, key, old))
            if stale:
                redraw.append((code, measure))
        if redraw and len(redraw) < len(section_rows):
            con.execute(
                "create temp table redraw as "
                "select unnest(?::varchar[]) as school_code, unnest(?::varchar[]) as measure",
                [[code for code, _ in redraw], [measure for _, measure in redraw]],
            )
        cells = (
            _fetch_shown(con, release_dir, len(redraw) < len(section_rows), group_names)
            if redraw
            else {}
        )
    finally:
        con.close()
    job = _PagesJob(
        views=views,
        directory={row[0]: row for row in schools},
        first_names=first_names,
        old_pages=old_pages,
        out_dir=out_dir,
        work_dir=work_dir,
    )
    halves = _halves(list(pages.items()), cells)
    if processes > 1 and len(halves) > 1 and "fork" in multiprocessing.get_all_start_methods():
        done = _in_two_processes(job, halves)
    else:
        done = [job.write(items, part) for items, part in halves]
    listed: list[tuple[str, str]] = []
    state_pages: dict[str, dict] = {language.code: {} for language in LANGUAGES}
    missing: set[str] = set()
    result = PortalResult(out_dir=out_dir, school_pages=0)
    for part_listed, part_pages, counts, part_missing in done:
        listed += part_listed
        for language, language_pages in part_pages.items():
            state_pages[language] |= language_pages
        missing.update(part_missing)
        result.pages_rendered += counts["pages_rendered"]
        result.pages_reused += counts["pages_reused"]
        result.sections_rendered += counts["sections_rendered"]
        result.sections_reused += counts["sections_reused"]
    listed.sort(key=lambda item: (item[0] != DISTRICT_CODE, item[1]))
    directory = {row[0]: row for row in schools}
    home_schools = [
        ListedSchool(code, name, *_listing(directory.get(code)))
        for code, name in listed
        if code != DISTRICT_CODE
    ]
    for view in views:
        (work_dir / view.language.prefix / "index.html").write_text(
            home_page(view.site, release_dir.name, home_schools, view.language, view.t),
            encoding="utf-8",
        )
        missing.update(view.t.missing)
    (work_dir / PORTAL_STATE_FILE).write_text(
        json.dumps({"format": _STATE_FORMAT, "renderer": renderer, "pages": state_pages}),
        encoding="utf-8",
    )

    make_world_readable(work_dir)
    if out_dir.exists():
        old_dir = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old_dir, ignore_errors=True)
        out_dir.rename(old_dir)
        work_dir.rename(out_dir)
        shutil.rmtree(old_dir, ignore_errors=True)
    else:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        work_dir.rename(out_dir)
    result.school_pages = len(listed)
    result.missing_translations = sorted(missing)
    if missing:
        log.warning(
            "portal: %d catalogue keys have no Spanish text and are shown in English: %s",
            len(missing),
            ", ".join(sorted(missing)),
        )
    return result
