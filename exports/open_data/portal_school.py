"""What a school report card shows: the table of contents, and one section per measure in the
order of the strategic plans.

A measure's section reads like a California School Dashboard indicator: the latest value for
all students (marked "year to date" on a partial year), the district's figure beside it, the
status and change levels and the colour where the release publishes them, the goal and whether
the school is on track, which direction is better, and what the measure means in plain words.
Then the charts, each with its data table: all students over the years, every group in the
latest year, and, for the plan's priority measures, each group's gap to all students over the
years. Every withheld cell says why it is withheld; a measure the district does not report
says "Not reported by the district" (or that there is not enough history yet), never a blank
or a zero.

Every word comes from the catalogue (portal_text.py) in the page's language: the functions
take the language's `Texts` as `t`. They take plain tuples and strings and return what a
section shows as plain data;
templates/section.html.j2 lays it out. portal_cells.py reads the cells in one DuckDB query and
portal_sections.py passes each section's rows here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from exports.open_data.portal_text import Texts
from exports.open_data.svg_charts import (
    bar_chart,
    display_number,
    gap_chart,
    line_chart,
    published_number_and_text,
)

_UNIT_SUFFIX = {"percent": "%", "percent_change": "%", "points": "unit.points", "days": "unit.days"}
_PRIMARY = re.compile(r"^primary_n_below_(\d+)$")
REPORTING_STATUSES = ("not_reported", "not_enough_history")
"""Statuses of a cell the district does not report (portal_cells.py passes them where a
withheld cell's reason goes)."""


@dataclass(frozen=True)
class Measure:
    """A measure as the release's measures file describes it (name and description in the
    page's language)."""

    code: str
    name: str
    area: str
    unit: str
    higher_is_better: bool | None
    plan_section: str | None
    plain_description: str

    @property
    def section_key(self) -> str:
        return self.plan_section or f"more-{self.area}"


def section_title(measure: Measure, t: Texts) -> str:
    """The plan section's title, or "More … measures" of the measure's area."""
    if measure.plan_section:
        key = f"plan.{measure.plan_section}"
        return t(key) if key in t.entries else measure.plan_section
    key = f"area.{measure.area}"
    return t(key) if key in t.entries else measure.area.replace("_", " ").capitalize()


def withheld_reason(reason: str | None, t: Texts) -> tuple[str, str]:
    """(short text for a chart, sentence for a table) saying why a cell is withheld."""
    primary = _PRIMARY.match(reason or "")
    if primary:
        text = t("cell.fewer_than", n=primary.group(1))
        return text, t("cell.suppressed_because", reason=text)
    if reason and (reason.startswith("complementary_") or reason == "same_population"):
        return (
            t("cell.complementary_short"),
            t("cell.suppressed_because", reason=t("cell.complementary")),
        )
    if reason == "linked_measure":
        return t("cell.linked_short"), t("cell.suppressed_because", reason=t("cell.linked"))
    if reason in ("top_coded", "bottom_coded"):
        return "", t("cell.coded")
    return t("cell.suppressed"), t("cell.suppressed")


def _published(value: str | None, suppressed: bool, t: Texts) -> tuple[float | None, str]:
    if not value:
        return None, t("cell.suppressed") if suppressed else t("cell.no_data")
    return published_number_and_text(value, suppressed)


def cell_text(
    value: str | None, suppressed: bool, reason: str | None, t: Texts
) -> tuple[float | None, str]:
    """(number to draw, text for a table) of a published cell, the reason included."""
    if reason in REPORTING_STATUSES:
        return None, t(f"cell.{reason}")
    number, text = _published(value, suppressed, t)
    if suppressed:
        _, sentence = withheld_reason(reason, t)
        return number, t("cell.value_because", value=value, reason=sentence) if value else sentence
    return number, text


def chart_text(value: str | None, suppressed: bool, reason: str | None, t: Texts) -> tuple:
    """(number, text) for a chart: a withheld or unreported cell says briefly why."""
    if reason in REPORTING_STATUSES:
        return None, t(f"cell.{reason}_short")
    number, text = _published(value, suppressed, t)
    if suppressed and not value:
        return None, withheld_reason(reason, t)[0]
    return number, text


def with_unit(text: str, unit: str, t: Texts) -> str:
    if not text or not text[0].isdigit() and text[0] != "-":
        return text
    suffix = _UNIT_SUFFIX.get(unit, "")
    return f"{text}{t(suffix) if suffix.startswith('unit.') else suffix}"


def direction_text(measure: Measure, t: Texts) -> str:
    if measure.higher_is_better is None:
        return t("section.neither_better")
    return t("section.higher_better") if measure.higher_is_better else t("section.lower_better")


def table_of_contents(sections: list[tuple[int, Measure]], t: Texts) -> list[dict]:
    """'On this page': the plan's sections, each with its (position, name) measures, in page
    order."""
    groups: list[dict] = []
    for position, measure in sections:
        if not groups or groups[-1]["key"] != measure.section_key:
            groups.append(
                {"key": measure.section_key, "title": section_title(measure, t), "measures": []}
            )
        groups[-1]["measures"].append((position, measure.name))
    return groups


@dataclass
class Headline:
    """All students in the latest year, with the district's figure for the same year."""

    year_label: str
    value: str | None
    suppressed: bool
    reason: str | None
    n: int | None
    status_level: str | None
    change_level: str | None
    color: str | None
    target_value: float | None
    target_school_year: str | None
    is_on_track: bool | None
    district: tuple[str | None, bool, str | None] | None  # value, suppressed, reason
    has_earlier_year: bool = True  # the measure has a figure for all students before this year


def _headline(measure: Measure, headline: Headline, t: Texts) -> dict:
    """The rows of a measure's 'at a glance' table, its Dashboard colour and its goal."""
    rows = []
    _, text = cell_text(headline.value, headline.suppressed, headline.reason, t)
    rows.append(
        (t("section.all_students_year", year=headline.year_label), with_unit(text, measure.unit, t))
    )
    if headline.district is not None:
        _, district = cell_text(*headline.district, t)
        rows.append((t("section.district_all"), with_unit(district, measure.unit, t)))
    if headline.n is not None:
        rows.append((t("section.students_n"), str(int(headline.n))))
    if headline.status_level:
        rows.append(
            (
                t("section.status"),
                t.translated(f"status.{headline.status_level}", headline.status_level),
            )
        )
    if headline.change_level:
        rows.append(
            (
                t("section.change"),
                t.translated(f"change.{headline.change_level}", headline.change_level),
            )
        )
    elif not headline.has_earlier_year and headline.reason not in REPORTING_STATUSES:
        rows.append((t("section.change"), t("section.no_history_change")))
    goal = ""
    if headline.target_value is not None:
        goal = with_unit(display_number(headline.target_value), measure.unit, t)
        if headline.target_school_year:
            goal = t("section.goal_by", goal=goal, year=headline.target_school_year)
        if headline.is_on_track is not None:
            goal = t(
                "section.on_track" if headline.is_on_track else "section.not_on_track", goal=goal
            )
    color = headline.color
    return {
        "rows": rows,
        "color": color,
        "color_name": t.translated(f"color.{color}", color) if color else "",
        "goal": goal,
    }


def _n_text(n: int | None) -> str:
    return "" if n is None else str(int(n))


def _figure(
    chart, chart_id: str, title: str, header: str, cells: list, measure: Measure, t: Texts
) -> dict:
    """A chart of (label, value, suppressed, reason, n) cells and its data table's rows."""
    points = [(label, *chart_text(v, s, r, t)) for label, v, s, r, _ in cells]
    return {
        "id": chart_id,
        "title": title,
        "svg": Markup(chart(chart_id, title, points, measure.unit)),
        "header": header,
        "years": None,
        "rows": [(label, cell_text(v, s, r, t)[1], _n_text(n)) for label, v, s, r, n in cells],
    }


def measure_section(
    position: int,
    measure: Measure,
    opens_section: bool,
    headline: Headline | None,
    trend: list[tuple],
    latest_year_label: str,
    latest: list[tuple],
    gaps: tuple[list[str], list[tuple[str, list]]] | None,
    year_notes: list[str],
    t: Texts,
) -> dict:
    """What one measure's section shows (templates/section.html.j2 lays it out).

    `trend` holds (year label, value, suppressed, reason, n) of all students over the years,
    `latest` (group name, value, suppressed, reason, n) in group order; `gaps` the years and,
    per group, its gap to all students in each (None where either figure is withheld);
    `year_notes` explains the partial years shown.
    """
    chart_id = f"m{position}"
    figures = []
    if trend:
        title = t("section.trend_title", measure=measure.name)
        header = t("section.col_school_year")
        figures.append(_figure(line_chart, chart_id + "t", title, header, trend, measure, t))
    title = t("section.groups_title", measure=measure.name, year=latest_year_label)
    header = t("section.col_student_group")
    figures.append(_figure(bar_chart, chart_id + "g", title, header, latest, measure, t))
    if gaps is not None and gaps[1]:
        years, series = gaps
        title = t("section.gap_title", measure=measure.name)
        figures.append(
            {
                "id": chart_id + "d",
                "title": title,
                "svg": Markup(gap_chart(chart_id + "d", title, years, series, t("cell.withheld"))),
                "header": header,
                "years": years,
                "rows": [
                    (name, ["" if gap is None else display_number(gap) for gap in gap_values])
                    for name, gap_values in series
                ],
            }
        )
    reporting = headline is not None and headline.reason in REPORTING_STATUSES
    return {
        "chart_id": chart_id,
        "opens": opens_section,
        "section_key": measure.section_key,
        "section_title": section_title(measure, t),
        "name": measure.name,
        "description": measure.plain_description,
        "direction": direction_text(measure, t),
        "year_notes": year_notes,
        "reporting_note": t(f"note.{headline.reason}") if reporting else "",
        "headline": _headline(measure, headline, t) if headline is not None else None,
        "figures": figures,
    }
