"""Drawing and writing the report cards, in one process or split over two.

Why a module of its own: writing the pages is the one part of a build that is worth running in
parallel for a big district, and a forked process can only be handed work that is reachable
from module level. `PagesJob` holds what writing needs besides the pages and their cells; the
child of `_in_two_processes` finds its job and its half in `_FORKED_JOB`, set just before the
fork, and calls `_write_forked_half`, so nothing but the small result travels back through
the pipe. Each page is written in parts: its head and end from the page template, each
section copied from the previous build's file when unchanged (by the byte ranges that
portal_state records) or drawn anew.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_home import grade_span
from exports.open_data.portal_layout import frame
from exports.open_data.portal_school import table_of_contents
from exports.open_data.portal_sections import LanguageView, address, render_sections
from exports.open_data.portal_templates import render_parts

# What a job counts, as PortalResult names it: pages written anew or linked, sections drawn or
# copied.
COUNTS = ("pages_rendered", "pages_reused", "sections_rendered", "sections_reused")


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
class PagesJob:
    """What drawing and writing pages needs besides the pages and their cells."""

    views: list[LanguageView]
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
        counts = dict.fromkeys(COUNTS, 0)
        for code, _ in items:
            entry = self.directory.get(code)
            listed.append((code, entry[1] if entry is not None else self.first_names[code]))
        for view in self.views:
            drawn = (
                {
                    (code, position): html.encode("utf-8")
                    for code, position, html in render_sections(cells, view)
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
        view: LanguageView,
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
            address(entry),
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
            link_or_copy(old_path, new_path)
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


def _in_two_processes(job: PagesJob, halves: list) -> list[tuple[list, dict, dict, list]]:
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


def write_pages(
    job: PagesJob, items: list, cells: dict[str, list], processes: int
) -> tuple[list, dict, dict, set]:
    """Write the pages `items` (code, {language: sections}) with the sections drawn from
    `cells`: with `processes` > 1, fork available and enough to draw, half of them in a forked
    process. Return the listed (code, name) pairs, the pages' state per language, the counts
    and the catalogue keys shown in English, gathered from both halves."""
    halves = _halves(items, cells)
    if processes > 1 and len(halves) > 1 and "fork" in multiprocessing.get_all_start_methods():
        done = _in_two_processes(job, halves)
    else:
        done = [job.write(part_items, part) for part_items, part in halves]
    listed: list[tuple[str, str]] = []
    state_pages: dict[str, dict] = {view.language.code: {} for view in job.views}
    counts = dict.fromkeys(COUNTS, 0)
    missing: set[str] = set()
    for part_listed, part_pages, part_counts, part_missing in done:
        listed += part_listed
        for language, language_pages in part_pages.items():
            state_pages[language] |= language_pages
        missing.update(part_missing)
        for name, count in part_counts.items():
            counts[name] += count
    return listed, state_pages, counts, missing


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a release file into the site (releases are never modified); copy if the
    file system refuses."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
