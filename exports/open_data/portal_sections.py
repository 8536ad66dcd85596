"""One language's view of the release and the report card sections drawn in it.

Why a module of its own: a page is drawn once per language from the same cells, so what differs
between languages (the words, the measure and group names, the labels of partial years) is
gathered once into a `LanguageView`, and `render_sections` turns the cells fetched by
portal_cells.fetch_shown into the HTML of every section in one pass over them. portal_school.py
says what a section shows; this module cuts the fetched columns into sections and hands each
one's rows there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from exports.open_data.portal_layout import Site
from exports.open_data.portal_school import Headline, Measure, measure_section
from exports.open_data.portal_templates import render_section
from exports.open_data.portal_text import Language, Texts


def partial_year_labels(school_years: dict[str, dict], t: Texts) -> dict[str, tuple[str, str]]:
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
class LanguageView:
    """One language's pages: where they go, their words, and the measures, group names and
    year labels in that language."""

    language: Language
    t: Texts
    site: Site
    measures: dict[str, Measure]
    group_names: dict[str, str]
    year_labels: dict[str, tuple[str, str]]


def in_language(
    language: Language,
    entries: dict,
    release: dict,
    measures: dict[str, Measure],
    group_names: dict[str, str],
) -> LanguageView:
    """The release's measures, groups, dates and labels in `language`."""
    t = Texts(language.code, entries)
    as_of = release.get("data_as_of")
    return LanguageView(
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
        year_labels=partial_year_labels(release.get("school_years") or {}, t),
    )


def address(entry: tuple | None) -> str:
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


def render_sections(cells: dict[str, list], view: LanguageView):
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
