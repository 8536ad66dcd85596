"""What a portal build keeps for the next one: the renderer digest and, per language and page,
the digest and byte range of every section (`.portal_state.json` in the site).

Why a module of its own: this is what lets an unchanged section be copied byte for byte and an
unchanged page be linked whole, so it decides whether the site a build writes on top of the
previous one equals one built from nothing. A section is kept only when its content key
(portal_cells.stage_cells) and position match the record, the record was written by the same
renderer (`RENDERER_MODULES`, the templates, the catalogue, the names in every language, the
DuckDB version) and the previous page file still has the size recorded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from exports.open_data import portal_templates
from exports.open_data.portal_sections import LanguageView
from exports.open_data.portal_text import LANGUAGES, catalogue_bytes

PORTAL_STATE_FILE = ".portal_state.json"
_STATE_FORMAT = 2

# Every module of this package whose code decides what a page holds: a change to any of them
# redraws every page. tests/exports/open_data/test_open_data_incremental.py checks that the
# modules portal.py imports are here.
RENDERER_MODULES = (
    "portal",
    "portal_cells",
    "portal_sections",
    "portal_pages_job",
    "portal_state",
    "portal_school",
    "portal_templates",
    "portal_home",
    "portal_layout",
    "portal_text",
    "svg_charts",
)

# The renderer's code, read when the module is imported: the code and templates that draw
# the pages.
_RENDERER_CODE = hashlib.md5(
    b"".join(Path(__file__).with_name(f"{name}.py").read_bytes() for name in RENDERER_MODULES)
    + portal_templates.templates_digest(),
    usedforsecurity=False,
).hexdigest()


def renderer_digest(views: list[LanguageView]) -> str:
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


def previous_pages(
    out_dir: Path, renderer: str, codes: set[str]
) -> dict[str, dict[str, dict | None]]:
    """Language -> page code -> the previous build's record of that page in `out_dir`, or None
    where there is none to reuse."""
    previous = _read_state(out_dir, renderer)
    return {
        language.code: {
            code: _previous_page(
                out_dir / language.prefix / "schools" / f"{code}.html",
                (previous.get(language.code) or {}).get(code),
            )
            for code in codes
        }
        for language in LANGUAGES
    }


def match_sections(
    section_rows: list[tuple], old_pages: dict[str, dict[str, dict | None]]
) -> tuple[dict[str, dict[str, list[tuple[int, str, str, list | None]]]], list[tuple[str, str]]]:
    """The pages to write, code -> language -> (position, measure, content key, previous
    record or None) per section, and the (code, measure) sections that some language must draw
    anew (a section is kept only where its measure and content key are those recorded at its
    position)."""
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
    return pages, redraw


def write_state(work_dir: Path, renderer: str, state_pages: dict[str, dict]) -> None:
    """Record the pages just written (language -> code -> size, head digest, sections) for
    the next build."""
    (work_dir / PORTAL_STATE_FILE).write_text(
        json.dumps({"format": _STATE_FORMAT, "renderer": renderer, "pages": state_pages}),
        encoding="utf-8",
    )
