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
from exports.open_data.portal_layout import Site, frame
from exports.open_data.portal_templates import render
from exports.open_data.portal_text import LANGUAGES, Language, Texts

LEVELS = ("ES", "MS", "HS")  # in list order; any other level is listed last, as "other"
# Grade codes of the directory as numbers, so "grade 6" finds a school serving 6 to 8.
_GRADE_NUMBERS = {"TK": -1, "KN": 0, "K": 0, "PK": -1}
_GRADE_TEXT = {"TK": "TK", "KN": "K", "K": "K"}


def level_name(level: str | None, t: Texts) -> str:
    return t(f"level.{level}") if level in LEVELS else t("level.other")


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


def grade_span(low: str | None, high: str | None, t: Texts) -> str:
    """'KN', '05' -> 'Grades K–5'; empty when the directory has no grades."""

    def text(grade: str) -> str:
        grade = grade.strip().upper()
        if grade == "PK":
            return t("grade.PK")
        return _GRADE_TEXT.get(grade, str(int(grade)) if grade.isdigit() else grade)

    if not low or not high:
        return ""
    if low != high:
        return t("grade.span", low=text(low), high=text(high))
    return t("grade.one", grade=text(low))


def _summary(school: ListedSchool, t: Texts) -> str:
    return " · ".join(
        part
        for part in (grade_span(school.low_grade, school.high_grade, t), school.address)
        if part
    )


def search_index(schools: list[ListedSchool], t: Texts) -> list[dict]:
    """The index search.js filters: one small record per school, in list order."""
    return [
        {
            "code": school.code,
            "name": school.name,
            "url": f"schools/{school.code}.html",
            "level_name": level_name(school.level, t),
            "address": school.address,
            "low": grade_number(school.low_grade),
            "high": grade_number(school.high_grade),
            "summary": _summary(school, t),
        }
        for school in schools
    ]


def _index_json(schools: list[ListedSchool], t: Texts) -> Markup:
    # "</" cannot end the script element early once escaped as "<\\/"; the JSON is the
    # script's text, so it is not HTML-escaped.
    index = json.dumps(search_index(schools, t), ensure_ascii=False)
    return Markup(index.replace("</", "<\\/"))


def _by_level(schools: list[ListedSchool], t: Texts) -> list[dict]:
    levels: dict[str, list[dict]] = {}
    for school in schools:
        level = school.level if school.level in LEVELS else "other"
        levels.setdefault(level, []).append(
            {"code": school.code, "name": school.name, "summary": _summary(school, t)}
        )
    return [
        {"name": level_name(level, t), "schools": levels[level]}
        for level in (*LEVELS, "other")
        if level in levels
    ]


def home_page(
    site: Site, version: str, schools: list[ListedSchool], language: Language, t: Texts
) -> str:
    """`schools`: every school with a page except the district, sorted by name. The English
    home page sends a reader whose browser prefers Spanish to the Spanish one (lang.js)."""
    context = frame(language, t, "index.html")
    if language.code == "en":
        context["browser_language_target"] = next(
            (f"{other.prefix}index.html" for other in LANGUAGES if other.code == "es"), ""
        )
    return render(
        "home.html.j2",
        **context,
        title=t("site.name", district=site.district_name),
        site=site,
        version=version,
        index_json=_index_json(schools, t),
        district_code=DISTRICT_CODE,
        levels=_by_level(schools, t),
        datasets=[
            {
                "name": ds,
                "title": t.translated(f"dataset.{ds}.title", title),
                "description": t.translated(f"dataset.{ds}.description", DATASET_DESCRIPTIONS[ds]),
            }
            for ds, title in DATASET_TITLES.items()
        ],
    )
