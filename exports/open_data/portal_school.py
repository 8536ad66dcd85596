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

The functions take plain tuples and strings and return what a section shows as plain data;
templates/section.html.j2 lays it out. portal.py reads the cells in one DuckDB query and passes
each section's rows here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from exports.open_data.svg_charts import (
    bar_chart,
    display_number,
    gap_chart,
    line_chart,
    published_number_and_text,
)

PLAN_SECTION_TITLES = {
    "attendance": "Attendance",
    "literacy": "Literacy (English language arts)",
    "numeracy": "Numeracy (mathematics)",
    "college_career": "College and career readiness",
    "climate": "School climate and well-being",
}
AREA_TITLES = {
    "attendance": "More attendance measures",
    "assessment": "More assessment measures",
    "postsecondary": "More college and career measures",
    "english_learners": "English learners",
    "discipline": "Discipline",
    "early_warning": "Early warning signs",
    "tutoring": "Tutoring and extended learning",
    "survey": "More survey measures",
    "workforce": "Staff",
    "family_access": "Family access",
}
_UNIT_SUFFIX = {"percent": "%", "percent_change": "%", "points": " points", "days": " days"}
_PRIMARY = re.compile(r"^primary_n_below_(\d+)$")


@dataclass(frozen=True)
class Measure:
    """A measure as the release's measures file describes it."""

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

    @property
    def section_title(self) -> str:
        if self.plan_section:
            return PLAN_SECTION_TITLES.get(self.plan_section, self.plan_section)
        return AREA_TITLES.get(self.area, self.area.replace("_", " ").capitalize())


NOT_REPORTED = "Not reported by the district"
REPORTING_TEXTS = {
    "not_reported": ("not reported", NOT_REPORTED),
    "not_enough_history": (
        "not enough history",
        "Not enough history: the measure needs more school years of data than there are yet",
    ),
}
"""(short text for a chart, sentence for a table) of a cell the district does not report,
by the release's reporting_status (portal.py passes it where a withheld cell's reason goes)."""
REPORTING_NOTES = {
    "not_reported": (
        f"{NOT_REPORTED}: the district does not collect the data this measure is computed "
        "from, so there is no figure (not a zero)."
    ),
    "not_enough_history": (
        "Not enough history: this measure compares school years, and the data do not go back "
        "far enough yet."
    ),
}


def withheld_reason(reason: str | None) -> tuple[str, str]:
    """(short text for a chart, sentence for a table) saying why a cell is withheld."""
    primary = _PRIMARY.match(reason or "")
    if primary:
        text = f"fewer than {primary.group(1)} students"
        return text, f"suppressed: {text}"
    if reason and (reason.startswith("complementary_") or reason == "same_population"):
        return (
            "hidden to protect another cell",
            "suppressed: hidden so that another cell cannot be worked out",
        )
    if reason == "linked_measure":
        return (
            "hidden (from a hidden figure)",
            "suppressed: computed from a figure that is hidden",
        )
    if reason in ("top_coded", "bottom_coded"):
        return "", "shown as a range so that a small group's exact figure stays private"
    return "suppressed", "suppressed"


def cell_text(value: str | None, suppressed: bool, reason: str | None) -> tuple[float | None, str]:
    """(number to draw, text for a table) of a published cell, the reason included."""
    if reason in REPORTING_TEXTS:
        return None, REPORTING_TEXTS[reason][1]
    number, text = published_number_and_text(value, suppressed)
    if suppressed:
        _, sentence = withheld_reason(reason)
        return number, f"{value} ({sentence})" if value else sentence
    return number, text


def chart_text(value: str | None, suppressed: bool, reason: str | None) -> tuple:
    """(number, text) for a chart: a withheld or unreported cell says briefly why."""
    if reason in REPORTING_TEXTS:
        return None, REPORTING_TEXTS[reason][0]
    number, text = published_number_and_text(value, suppressed)
    if suppressed and not value:
        return None, withheld_reason(reason)[0]
    return number, text


def with_unit(text: str, unit: str) -> str:
    if not text or not text[0].isdigit() and text[0] != "-":
        return text
    return f"{text}{_UNIT_SUFFIX.get(unit, '')}"


def direction_text(measure: Measure) -> str:
    if measure.higher_is_better is None:
        return "Neither higher nor lower is better in itself."
    return "Higher is better." if measure.higher_is_better else "Lower is better."


def table_of_contents(sections: list[tuple[int, Measure]]) -> list[dict]:
    """'On this page': the plan's sections, each with its (position, name) measures, in page
    order."""
    groups: list[dict] = []
    for position, measure in sections:
        if not groups or groups[-1]["key"] != measure.section_key:
            groups.append(
                {"key": measure.section_key, "title": measure.section_title, "measures": []}
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


NO_HISTORY_CHANGE = "Not enough history: no earlier school year of data yet"


def _headline(measure: Measure, headline: Headline) -> dict:
    """The rows of a measure's 'at a glance' table, its Dashboard colour and its goal."""
    rows = []
    _, text = cell_text(headline.value, headline.suppressed, headline.reason)
    rows.append((f"All students, {headline.year_label}", with_unit(text, measure.unit)))
    if headline.district is not None:
        _, district = cell_text(*headline.district)
        rows.append(("District, all students", with_unit(district, measure.unit)))
    if headline.n is not None:
        rows.append(("Students (n)", str(int(headline.n))))
    if headline.status_level:
        rows.append(("Dashboard status", headline.status_level))
    if headline.change_level:
        rows.append(("Change from last year", headline.change_level))
    elif not headline.has_earlier_year and headline.reason not in REPORTING_TEXTS:
        rows.append(("Change from last year", NO_HISTORY_CHANGE))
    goal = ""
    if headline.target_value is not None:
        goal = with_unit(display_number(headline.target_value), measure.unit)
        if headline.target_school_year:
            goal += f" by {headline.target_school_year}"
        if headline.is_on_track is not None:
            goal += "; on track" if headline.is_on_track else "; not on track"
    return {"rows": rows, "color": headline.color, "goal": goal}


def _n_text(n: int | None) -> str:
    return "" if n is None else str(int(n))


def _figure(chart, chart_id: str, title: str, header: str, cells: list, measure: Measure) -> dict:
    """A chart of (label, value, suppressed, reason, n) cells and its data table's rows."""
    points = [(label, *chart_text(v, s, r)) for label, v, s, r, _ in cells]
    return {
        "title": title,
        "svg": Markup(chart(chart_id, title, points, measure.unit)),
        "header": header,
        "years": None,
        "rows": [(label, cell_text(v, s, r)[1], _n_text(n)) for label, v, s, r, n in cells],
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
        title = f"{measure.name}, all students, by school year"
        figures.append(_figure(line_chart, chart_id + "t", title, "School year", trend, measure))
    title = f"{measure.name} by student group, {latest_year_label}"
    figures.append(_figure(bar_chart, chart_id + "g", title, "Student group", latest, measure))
    if gaps is not None and gaps[1]:
        years, series = gaps
        title = f"{measure.name}: each group's gap to all students, by school year"
        figures.append(
            {
                "title": title,
                "svg": Markup(gap_chart(chart_id + "d", title, years, series)),
                "header": "Student group",
                "years": years,
                "rows": [
                    (name, ["" if gap is None else display_number(gap) for gap in gap_values])
                    for name, gap_values in series
                ],
            }
        )
    reporting = headline is not None and REPORTING_NOTES.get(headline.reason or "")
    return {
        "chart_id": chart_id,
        "opens": opens_section,
        "section_key": measure.section_key,
        "section_title": measure.section_title,
        "name": measure.name,
        "description": measure.plain_description,
        "direction": direction_text(measure),
        "year_notes": year_notes,
        "reporting_note": reporting or "",
        "headline": _headline(measure, headline) if headline is not None else None,
        "figures": figures,
    }
