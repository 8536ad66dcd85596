"""The markup of a school report card: the introduction and table of contents, and one section
per measure in the order of the strategic plans.

A measure's section reads like a California School Dashboard indicator: the latest value for
all students (marked "year to date" on a partial year), the district's figure beside it, the
status and change levels and the colour where the release publishes them, the goal and whether
the school is on track, which direction is better, and what the measure means in plain words.
Then the charts, each with its data table: all students over the years, every group in the
latest year, and, for the plan's priority measures, each group's gap to all students over the
years. Every withheld cell says why it is withheld; a measure the district does not report
says "Not reported by the district" (or that there is not enough history yet), never a blank
or a zero.

The functions take plain tuples and strings; portal.py reads the cells in one DuckDB query and
passes each section's rows here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from exports.open_data.svg_charts import (
    bar_chart,
    display_number,
    escaped,
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


def table_of_contents(sections: list[tuple[int, Measure]]) -> str:
    """'On this page': the plan's sections, each with its measures, in page order."""
    items: list[str] = []
    current = None
    for position, measure in sections:
        if measure.section_key != current:
            if current is not None:
                items.append("</ol></li>")
            current = measure.section_key
            items.append(
                f'<li><a href="#s-{escape(current)}">{escape(measure.section_title)}</a><ol>'
            )
        items.append(f'<li><a href="#m{position}">{escape(measure.name)}</a></li>')
    if current is not None:
        items.append("</ol></li>")
    return (
        '<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">On this page</h2>'
        f"<ol>{''.join(items)}</ol></nav>"
    )


def page_intro(name: str, facts: list[str], sections: list[tuple[int, Measure]]) -> str:
    return (
        f"<h1>{escape(name)} report card</h1>"
        f"<p>{escape(' · '.join(fact for fact in facts if fact))}</p>"
        '<p class="note">Figures for small groups are withheld to protect students\' privacy; '
        "each withheld figure says why (fewer students than the threshold, or hidden so that "
        "another figure cannot be worked out from it). Very high or low percentages of small "
        'groups are shown as "≤5%" or "≥95%". See the '
        '<a href="../downloads/suppression_notes.md">suppression notes</a>.</p>'
        + table_of_contents(sections)
    )


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


def _headline_table(measure: Measure, headline: Headline, chart_id: str) -> str:
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
    body = "".join(
        f'<tr><th scope="row">{escaped[a]}</th><td>{escaped[b]}</td></tr>' for a, b in rows
    )
    if headline.color:
        color = escape(headline.color)
        body += (
            '<tr><th scope="row">Dashboard colour</th>'
            f'<td><span class="color color-{color}">{color}</span></td></tr>'
        )
    if headline.target_value is not None:
        goal = with_unit(display_number(headline.target_value), measure.unit)
        if headline.target_school_year:
            goal += f" by {headline.target_school_year}"
        if headline.is_on_track is not None:
            goal += "; on track" if headline.is_on_track else "; not on track"
        body += f'<tr><th scope="row">Goal</th><td>{escaped[goal]}</td></tr>'
    return (
        f'<table class="headline" aria-describedby="{chart_id}-what"><caption>'
        f"{escaped[measure.name]} at a glance</caption><tbody>{body}</tbody></table>"
    )


def _data_table(caption: str, header: str, rows: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<tr><td>{escaped[a]}</td><td>{escaped[b]}</td><td>{escaped[c]}</td></tr>"
        for a, b, c in rows
    )
    caption = escaped[caption]
    return (
        f"<details><summary>Data table: {caption}</summary><table>"
        f'<caption>{caption}</caption><thead><tr><th scope="col">{escaped[header]}</th>'
        '<th scope="col">Value</th><th scope="col">Students (n)</th></tr></thead>'
        f"<tbody>{body}</tbody></table></details>"
    )


def _gap_table(caption: str, years: list[str], series: list[tuple[str, list]]) -> str:
    head = "".join(f'<th scope="col">{escaped[year]}</th>' for year in years)
    body = "".join(
        f'<tr><th scope="row">{escaped[name]}</th>'
        + "".join(f"<td>{'' if gap is None else escaped[display_number(gap)]}</td>" for gap in gaps)
        + "</tr>"
        for name, gaps in series
    )
    caption = escaped[caption]
    return (
        f"<details><summary>Data table: {caption}</summary><table>"
        f'<caption>{caption}</caption><thead><tr><th scope="col">Student group</th>{head}'
        f"</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _n_text(n: int | None) -> str:
    return "" if n is None else str(int(n))


def _figure(chart, chart_id: str, title: str, header: str, cells: list, measure: Measure) -> str:
    """A chart of (label, value, suppressed, reason, n) cells with its data table."""
    points = [(label, *chart_text(v, s, r)) for label, v, s, r, _ in cells]
    rows = [(label, cell_text(v, s, r)[1], _n_text(n)) for label, v, s, r, n in cells]
    return (
        f"<figure><figcaption>{escaped[title]}</figcaption>"
        f"{chart(chart_id, title, points, measure.unit)}"
        f"{_data_table(title, header, rows)}</figure>"
    )


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
) -> str:
    """One measure's block (opened by its plan section's h2 when it is the section's first).

    `trend` holds (year label, value, suppressed, reason, n) of all students over the years,
    `latest` (group name, value, suppressed, reason, n) in group order; `gaps` the years and,
    per group, its gap to all students in each (None where either figure is withheld);
    `year_notes` explains the partial years shown.
    """
    chart_id = f"m{position}"
    parts = []
    if opens_section:
        parts.append(
            f'<h2 id="s-{escape(measure.section_key)}">{escaped[measure.section_title]}</h2>'
        )
    parts.append(f'<section class="measure"><h3 id="{chart_id}">{escaped[measure.name]}</h3>')
    parts.append(
        f'<p id="{chart_id}-what"><strong>What this measures:</strong> '
        f"{escaped[measure.plain_description]} "
        f'<span class="direction">{escaped[direction_text(measure)]}</span></p>'
    )
    parts.extend(f'<p class="note ytd">{escaped[note]}</p>' for note in year_notes)
    if headline is not None and headline.reason in REPORTING_NOTES:
        parts.append(f'<p class="note reporting">{escaped[REPORTING_NOTES[headline.reason]]}</p>')
    if headline is not None:
        parts.append(_headline_table(measure, headline, chart_id))
    parts.append('<div class="charts">')
    if trend:
        title = f"{measure.name}, all students, by school year"
        parts.append(_figure(line_chart, chart_id + "t", title, "School year", trend, measure))
    title = f"{measure.name} by student group, {latest_year_label}"
    parts.append(_figure(bar_chart, chart_id + "g", title, "Student group", latest, measure))
    if gaps is not None and gaps[1]:
        years, series = gaps
        title = f"{measure.name}: each group's gap to all students, by school year"
        parts.append(
            f"<figure><figcaption>{escaped[title]}</figcaption>"
            f"{gap_chart(chart_id + 'd', title, years, series)}"
            f"{_gap_table(title, years, series)}</figure>"
        )
    parts.append("</div></section>")
    return "".join(parts)
