"""The portal's home page: find a school (a search over a small JSON index embedded in the
page, filtered by portal_assets/search.js without any server), every school listed by level
with its grades and address, the district's report card, and the downloads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from exports.open_data.metadata import DATASET_DESCRIPTIONS, DATASET_TITLES
from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_layout import Site, page

LEVEL_NAMES = {
    "ES": "Elementary schools",
    "MS": "Middle schools",
    "HS": "High schools",
}
OTHER_LEVEL = "Other schools"
# Grade codes of the directory as numbers, so "grade 6" finds a school serving 6 to 8.
_GRADE_NUMBERS = {"TK": -1, "KN": 0, "K": 0, "PK": -1}
_GRADE_TEXT = {"TK": "TK", "KN": "K", "K": "K", "PK": "Pre-K"}


@dataclass(frozen=True)
class ListedSchool:
    """A school as the home page lists it (from the release's school directory)."""

    code: str
    name: str
    level: str | None
    low_grade: str | None
    high_grade: str | None
    address: str


def grade_number(grade: str | None) -> int | None:
    if not grade:
        return None
    grade = grade.strip().upper()
    if grade in _GRADE_NUMBERS:
        return _GRADE_NUMBERS[grade]
    return int(grade) if grade.isdigit() else None


def grade_span(low: str | None, high: str | None) -> str:
    """'KN', '05' -> 'Grades K–5'; empty when the directory has no grades."""

    def text(grade: str) -> str:
        grade = grade.strip().upper()
        return _GRADE_TEXT.get(grade, str(int(grade)) if grade.isdigit() else grade)

    if not low or not high:
        return ""
    return f"Grades {text(low)}–{text(high)}" if low != high else f"Grade {text(low)}"


def _summary(school: ListedSchool) -> str:
    return " · ".join(
        part for part in (grade_span(school.low_grade, school.high_grade), school.address) if part
    )


def search_index(schools: list[ListedSchool]) -> list[dict]:
    """The index search.js filters: one small record per school, in list order."""
    return [
        {
            "code": school.code,
            "name": school.name,
            "url": f"schools/{school.code}.html",
            "level_name": LEVEL_NAMES.get(school.level or "", OTHER_LEVEL),
            "address": school.address,
            "low": grade_number(school.low_grade),
            "high": grade_number(school.high_grade),
            "summary": _summary(school),
        }
        for school in schools
    ]


def _index_json(schools: list[ListedSchool]) -> str:
    # "</" cannot end the script element early once escaped as "<\/".
    return json.dumps(search_index(schools), ensure_ascii=False).replace("</", "<\\/")


def _school_item(school: ListedSchool) -> str:
    summary = _summary(school)
    return (
        f'<li><a href="schools/{escape(school.code)}.html">{escape(school.name)}</a>'
        + (f" — {escape(summary)}" if summary else "")
        + "</li>"
    )


def _by_level(schools: list[ListedSchool]) -> str:
    levels: dict[str, list[ListedSchool]] = {}
    for school in schools:
        levels.setdefault(LEVEL_NAMES.get(school.level or "", OTHER_LEVEL), []).append(school)
    order = [*LEVEL_NAMES.values(), OTHER_LEVEL]
    return "".join(
        f'<h3>{escape(level)} ({len(levels[level])})</h3><ul class="schools">'
        + "".join(_school_item(school) for school in levels[level])
        + "</ul>"
        for level in order
        if level in levels
    )


def home_page(site: Site, version: str, schools: list[ListedSchool]) -> str:
    """`schools`: every school with a page except the district, sorted by name."""
    downloads = "".join(
        f'<tr><th scope="row">{escape(title)}</th><td>{escape(DATASET_DESCRIPTIONS[ds])}</td>'
        f'<td><a href="downloads/data/{ds}.csv">CSV</a></td>'
        f'<td><a href="downloads/data/{ds}.parquet">Parquet</a></td></tr>'
        for ds, title in DATASET_TITLES.items()
    )
    body = (
        f"<h1>{escape(site.district_name)} open data</h1>"
        f"<p>{escape(site.as_of_text)}{'. ' if site.as_of_text else ''}"
        f"Release {escape(version)}. School- and district-level figures only; small groups "
        "are suppressed to protect students' privacy.</p>"
        '<h2 id="find">Find a school</h2>'
        '<form role="search" action="index.html" method="get">'
        '<label for="school-search">School name, address or grade</label> '
        '<input id="school-search" name="q" type="search" autocomplete="off" '
        'aria-describedby="search-hint" aria-controls="search-results">'
        ' <button type="submit">Search</button>'
        '<p id="search-hint" class="note">For example "Main St", "Lincoln" or "grade 6".</p>'
        "</form>"
        '<p id="search-status" role="status" aria-live="polite"></p>'
        '<ul id="search-results" class="schools"></ul>'
        f'<script type="application/json" id="school-index">{_index_json(schools)}</script>'
        '<script src="search.js"></script>'
        '<h2 id="district">District report card</h2>'
        f'<p><a href="schools/{DISTRICT_CODE}.html">{escape(site.district_name)}: every '
        "measure for the district as a whole</a></p>"
        f'<h2 id="schools">Schools by level</h2>{_by_level(schools)}'
        '<h2 id="datasets">Datasets</h2><table><caption>Downloads</caption><thead><tr>'
        '<th scope="col">Dataset</th><th scope="col">Description</th>'
        '<th scope="col">CSV</th><th scope="col">Parquet</th></tr></thead>'
        f"<tbody>{downloads}</tbody></table>"
        '<h2 id="documentation">Documentation</h2><ul>'
        '<li><a href="downloads/data_dictionary.md">Data dictionary (Markdown)</a></li>'
        '<li><a href="downloads/data_dictionary.csv">Data dictionary (CSV)</a></li>'
        '<li><a href="downloads/suppression_notes.md">Suppression notes</a></li>'
        '<li><a href="downloads/datapackage.json">Frictionless data package</a></li>'
        '<li><a href="downloads/data.json">DCAT-US catalog (data.json)</a></li>'
        '<li><a href="downloads/SHA256SUMS">SHA-256 checksums</a></li></ul>'
    )
    return page(f"{site.district_name} open data", "", site, body)
