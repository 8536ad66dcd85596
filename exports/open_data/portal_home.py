"""The portal's home page: find a school (a search over a small JSON index embedded in the
page, filtered by portal_assets/search.js without any server), every school listed by level
with its grades and address, the district's report card, and the downloads
(templates/home.html.j2 lays it out)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from exports.open_data.metadata import DATASET_DESCRIPTIONS, DATASET_TITLES
from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.portal_layout import Site
from exports.open_data.portal_templates import render

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


def _index_json(schools: list[ListedSchool]) -> Markup:
    # "</" cannot end the script element early once escaped as "<\/"; the JSON is the
    # script's text, so it is not HTML-escaped.
    return Markup(json.dumps(search_index(schools), ensure_ascii=False).replace("</", "<\\/"))


def _by_level(schools: list[ListedSchool]) -> list[dict]:
    levels: dict[str, list[dict]] = {}
    for school in schools:
        levels.setdefault(LEVEL_NAMES.get(school.level or "", OTHER_LEVEL), []).append(
            {"code": school.code, "name": school.name, "summary": _summary(school)}
        )
    order = [*LEVEL_NAMES.values(), OTHER_LEVEL]
    return [{"name": level, "schools": levels[level]} for level in order if level in levels]


def home_page(site: Site, version: str, schools: list[ListedSchool]) -> str:
    """`schools`: every school with a page except the district, sorted by name."""
    return render(
        "home.html.j2",
        title=f"{site.district_name} open data",
        root="",
        site=site,
        version=version,
        index_json=_index_json(schools),
        district_code=DISTRICT_CODE,
        levels=_by_level(schools),
        datasets=[
            {"name": ds, "title": title, "description": DATASET_DESCRIPTIONS[ds]}
            for ds, title in DATASET_TITLES.items()
        ],
    )
