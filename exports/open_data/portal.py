"""A static open-data site generated from one release, in English and Spanish (under es/): a
home page with the downloads and dictionaries, and one report card per school (and one for the
district) with charts of every measure over time and by student group. Plain HTML and inline
SVG, so it can be served from any static host with no CDN or network; the scripts (search,
language) only add to pages that work without them.

This module runs one build from start to end: the release's cells staged in DuckDB
(portal_cells.py), the views in every language (portal_sections.py), the previous build's
state (portal_state.py), the report cards written (portal_pages_job.py), then the home pages,
the downloads and the swap of the new site into place."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from exports.open_data import portal_cells, portal_state
from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_home import ListedSchool, home_page
from exports.open_data.portal_layout import copy_assets
from exports.open_data.portal_pages_job import PagesJob, link_or_copy, write_pages
from exports.open_data.portal_school import Measure
from exports.open_data.portal_sections import address, in_language, partial_year_labels
from exports.open_data.portal_text import LANGUAGES, Texts, load_catalogue
from exports.open_data.public_modes import make_world_readable
from warehouse.connection import duckdb_limits

DOCUMENT_FILES = (
    "data_dictionary.md",
    "data_dictionary.csv",
    "suppression_notes.md",
    "datapackage.json",
    "data.json",
    "SHA256SUMS",
)

log = logging.getLogger(__name__)


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


def _listing(entry: tuple | None) -> tuple:
    """(level, low grade, high grade, address) of a directory row, for the home page."""
    if entry is None:
        return None, None, None, ""
    return entry[2], entry[3], entry[4], address(entry)


def build_portal(
    release_dir: str | Path, out_dir: str | Path, processes: int | None = None
) -> PortalResult:
    """Write the static site for `release_dir` into `out_dir` (replaced atomically), in
    English (at the root) and Spanish (under es/).

    Sections whose drawn cells, position and renderer are unchanged since the previous build in
    `out_dir` are copied from its pages byte for byte (a page with nothing changed is linked
    whole); the others are drawn. The result is the same site a build from nothing writes.
    With `processes` = 2 (the default: OPEN_DATA_PORTAL_PROCESSES, else 2) and fork
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
        link_or_copy(source, work_dir / "downloads" / "data" / source.name)
    for name in DOCUMENT_FILES:
        link_or_copy(release_dir / name, work_dir / "downloads" / name)
    copy_assets(work_dir)
    release = json.loads((release_dir / "release.json").read_text(encoding="utf-8"))
    entries = load_catalogue()
    english_years = partial_year_labels(release.get("school_years") or {}, Texts("en", entries))

    con = duckdb.connect(config=duckdb_limits())
    con.execute("set enable_progress_bar = false")
    try:
        portal_cells.stage_meta(
            con, release_dir, {year: long for year, (_, long) in english_years.items()}
        )
        portal_cells.stage_cells(con, release_dir)
        schools = portal_cells.school_directory(con, release_dir)
        measures = portal_cells.measures(con, release_dir)
        group_names = portal_cells.group_labels(con, release_dir)
        section_rows = portal_cells.section_rows(con)
        listed_codes = {row[0] for row in schools}
        first_names = portal_cells.first_names(
            con, release_dir, sorted({row[0] for row in section_rows} - listed_codes), group_names
        )
        for code in {row[2] for row in section_rows} - set(measures):
            measures[code] = Measure(code, code, "", "", None, None, "")
        views = [
            in_language(language, entries, release, measures, group_names) for language in LANGUAGES
        ]
        renderer = portal_state.renderer_digest(views)
        old_pages = portal_state.previous_pages(out_dir, renderer, {row[0] for row in section_rows})
        pages, redraw = portal_state.match_sections(section_rows, old_pages)
        if redraw and len(redraw) < len(section_rows):
            portal_cells.stage_redraw(con, redraw)
        cells = (
            portal_cells.fetch_shown(con, release_dir, len(redraw) < len(section_rows), group_names)
            if redraw
            else {}
        )
    finally:
        con.close()
    job = PagesJob(
        views=views,
        directory={row[0]: row for row in schools},
        first_names=first_names,
        old_pages=old_pages,
        out_dir=out_dir,
        work_dir=work_dir,
    )
    listed, state_pages, counts, missing = write_pages(job, list(pages.items()), cells, processes)
    result = PortalResult(out_dir=out_dir, school_pages=0, **counts)
    listed.sort(key=lambda item: (item[0] != DISTRICT_CODE, item[1]))
    directory = job.directory
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
    portal_state.write_state(work_dir, renderer, state_pages)

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
