"""A static open-data site generated from one release: a home page with the downloads and
dictionaries, and one report card per school (and one for the district) with charts of every
measure over time and by student group. Plain HTML and inline SVG, so it can be served from
any static host with no script, CDN or network."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from html import escape
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

import duckdb

from exports.open_data.metadata import DATASET_DESCRIPTIONS, DATASET_TITLES
from exports.open_data.policy import DISTRICT_CODE
from exports.open_data.svg_charts import bar_chart, line_chart, point_from_published

GROUP_NAMES = {
    "ALL": "All students",
    "HI": "Hispanic/Latino",
    "AI": "American Indian/Alaska Native",
    "AS": "Asian",
    "FI": "Filipino",
    "BL": "Black/African American",
    "PI": "Native Hawaiian/Pacific Islander",
    "WH": "White",
    "MR": "Two or more races",
    "F": "Female",
    "M": "Male",
    "X": "Non-binary",
    "EL": "English learners",
    "RFEP": "Reclassified fluent English proficient",
    "SWD": "Students with disabilities",
    "SED": "Socioeconomically disadvantaged",
    "FY": "Foster youth",
    "HOM": "Experiencing homelessness",
    "HN": "High needs",
}
GROUP_ORDER = list(GROUP_NAMES)
DOCUMENT_FILES = (
    "data_dictionary.md",
    "data_dictionary.csv",
    "suppression_notes.md",
    "datapackage.json",
    "data.json",
    "SHA256SUMS",
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
       color: #1a1a1a; line-height: 1.45; }
a { color: #0b5394; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: .2rem .5rem; text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
figcaption { font-size: .9rem; font-weight: 600; }
.chart .axis { stroke: #555; stroke-width: 1; }
.chart .line { fill: none; stroke: #0b5394; stroke-width: 2; }
.chart .dot { fill: #0b5394; }
.chart .bar { fill: #3d85c6; }
.chart text { font-size: 11px; fill: #1a1a1a; }
.chart .withheld { fill: #7a4b00; font-style: italic; }
.measure { border-top: 1px solid #ddd; padding-top: .5rem; }
.note { font-size: .9rem; color: #444; }
"""


@dataclass
class PortalResult:
    """Where the site was written and how many school pages it has."""

    out_dir: Path
    school_pages: int


def _page(title: str, body: str, css_href: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{css_href}">\n</head>\n'
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


class _Cell(NamedTuple):
    school_year: str
    school_code: str
    school_name: str
    measure: str
    student_group: str
    n: int | None
    value: str | None
    suppressed: bool


def _load(release_dir: Path) -> tuple[list[_Cell], list[tuple], dict[str, tuple[str, str]]]:
    """Published cells sorted by school, measure, group order and year, ready to stream."""
    order = ", ".join(f"'{group}'" for group in GROUP_ORDER)
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    try:
        data = release_dir / "data"
        cells = con.execute(f"""
            select school_year, school_code, school_name, measure, student_group,
                   n, value, suppressed
            from read_parquet(['{data / "scorecard_measures.parquet"}',
                               '{data / "district_measures.parquet"}'])
            order by school_code, measure,
                coalesce(list_position([{order}], student_group), 999), student_group,
                school_year
        """).fetchall()
        schools = con.execute(
            "select school_code, school_name, street, city, state, zip "
            f"from read_parquet('{data / 'school_directory.parquet'}') order by school_code"
        ).fetchall()
        dictionary = con.execute(f"""
            select name, type, description from read_csv('{release_dir / "data_dictionary.csv"}',
                all_varchar = true)
            where dataset = 'measure'
        """).fetchall()
    finally:
        con.close()
    catalog = {code: (unit, description) for code, unit, description in dictionary}
    return [_Cell(*row) for row in cells], schools, catalog


def _measure_title(measure: str, catalog: dict[str, tuple[str, str]]) -> tuple[str, str]:
    unit, description = catalog.get(measure, ("", measure))
    # dictionary descriptions read "<measure name> (<area>): <definition>"
    match = re.match(r"^(.*?) \([a-z_]+\): ", description)
    return (match.group(1) if match else measure), unit


def _data_table(caption: str, header: str, rows: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>" for a, b, c in rows
    )
    return (
        f"<details><summary>Data table: {escape(caption)}</summary><table>"
        f'<caption>{escape(caption)}</caption><thead><tr><th scope="col">{escape(header)}</th>'
        '<th scope="col">Value</th><th scope="col">Students (n)</th></tr></thead>'
        f"<tbody>{body}</tbody></table></details>"
    )


def _n_text(n: int | None) -> str:
    return "" if n is None else str(int(n))


def _measure_section(
    index: int, measure: str, cells: list[_Cell], catalog: dict[str, tuple[str, str]]
) -> str:
    name, unit = _measure_title(measure, catalog)
    chart_id = f"m{index}"
    trend = sorted((c for c in cells if c.student_group == "ALL"), key=lambda c: c.school_year)
    trend_points = [point_from_published(c.school_year, c.value, c.suppressed) for c in trend]
    latest_year = max(c.school_year for c in cells)
    latest = [c for c in cells if c.school_year == latest_year]  # already in group order
    group_points = [point_from_published(c.student_group, c.value, c.suppressed) for c in latest]
    parts = [f'<section class="measure"><h3 id="{chart_id}">{escape(name)}</h3>']
    parts.append(f'<p class="note">Measure {escape(measure)}; unit: {escape(unit)}.</p>')
    parts.append('<div class="charts">')
    if trend_points:
        title = f"{name}, all students, by school year"
        rows = [(p.label, p.text, _n_text(c.n)) for p, c in zip(trend_points, trend, strict=True)]
        parts.append(
            f"<figure><figcaption>{escape(title)}</figcaption>"
            f"{line_chart(chart_id + 't', title, trend_points, unit)}"
            f"{_data_table(title, 'School year', rows)}</figure>"
        )
    title = f"{name} by student group, {latest_year}"
    rows = [
        (f"{GROUP_NAMES.get(p.label, p.label)} ({p.label})", p.text, _n_text(c.n))
        for p, c in zip(group_points, latest, strict=True)
    ]
    parts.append(
        f"<figure><figcaption>{escape(title)}</figcaption>"
        f"{bar_chart(chart_id + 'g', title, group_points, unit)}"
        f"{_data_table(title, 'Student group', rows)}</figure>"
    )
    parts.append("</div></section>")
    return "".join(parts)


def _school_page(
    code: str, name: str, cells: list[_Cell], catalog: dict[str, tuple[str, str]], address: str
) -> str:
    sections = [
        _measure_section(i, measure, list(measure_cells), catalog)
        for i, (measure, measure_cells) in enumerate(groupby(cells, key=lambda c: c.measure))
    ]
    body = (
        '<p><a href="../index.html">All datasets and schools</a></p>'
        f"<h1>{escape(name)} report card</h1>"
        f"<p>School code {escape(code)}{escape(address)}</p>"
        '<p class="note">Values for small groups are withheld to protect student privacy and '
        'shown as "suppressed"; very high or low percentages of small groups are shown as '
        '"≤5%" or "≥95%". See the <a href="../downloads/suppression_notes.md">suppression '
        "notes</a>.</p>" + "".join(sections)
    )
    return _page(f"{name} report card", body, "../style.css")


def _home_page(version: str, schools: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(title)}</th><td>{escape(DATASET_DESCRIPTIONS[ds])}</td>'
        f'<td><a href="downloads/data/{ds}.csv">CSV</a></td>'
        f'<td><a href="downloads/data/{ds}.parquet">Parquet</a></td></tr>'
        for ds, title in DATASET_TITLES.items()
    )
    school_items = "".join(
        f'<li><a href="schools/{escape(code)}.html">{escape(name)}</a></li>'
        for code, name in schools
    )
    body = (
        "<h1>District open data</h1>"
        f"<p>Release {escape(version)}. School- and district-level figures only; small groups "
        "are suppressed.</p>"
        "<h2>Datasets</h2><table><caption>Downloads</caption><thead><tr>"
        '<th scope="col">Dataset</th><th scope="col">Description</th>'
        '<th scope="col">CSV</th><th scope="col">Parquet</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        "<h2>Documentation</h2><ul>"
        '<li><a href="downloads/data_dictionary.md">Data dictionary (Markdown)</a></li>'
        '<li><a href="downloads/data_dictionary.csv">Data dictionary (CSV)</a></li>'
        '<li><a href="downloads/suppression_notes.md">Suppression notes</a></li>'
        '<li><a href="downloads/datapackage.json">Frictionless data package</a></li>'
        '<li><a href="downloads/data.json">DCAT-US catalog (data.json)</a></li>'
        '<li><a href="downloads/SHA256SUMS">SHA-256 checksums</a></li></ul>'
        f"<h2>School report cards</h2><ul>{school_items}</ul>"
    )
    return _page("District open data", body, "style.css")


def build_portal(release_dir: str | Path, out_dir: str | Path) -> PortalResult:
    """Write the static site for `release_dir` into `out_dir` (replaced atomically)."""
    release_dir = Path(release_dir).resolve()
    out_dir = Path(out_dir)
    work_dir = out_dir.with_name(f".{out_dir.name}.tmp")
    shutil.rmtree(work_dir, ignore_errors=True)
    (work_dir / "schools").mkdir(parents=True)
    shutil.copytree(release_dir / "data", work_dir / "downloads" / "data")
    for name in DOCUMENT_FILES:
        shutil.copy2(release_dir / name, work_dir / "downloads" / name)
    (work_dir / "style.css").write_text(STYLE.strip() + "\n", encoding="utf-8")

    cells, schools, catalog = _load(release_dir)
    directory = {row[0]: row for row in schools}
    listed: list[tuple[str, str]] = []
    for code, school_cells in groupby(cells, key=lambda c: c.school_code):
        school_cells = list(school_cells)
        entry = directory.get(code)
        name = entry[1] if entry is not None else school_cells[0].school_name
        address = f", {entry[2]}, {entry[3]}, {entry[4]} {entry[5]}" if entry else ""
        page = _school_page(code, name, school_cells, catalog, address)
        (work_dir / "schools" / f"{code}.html").write_text(page, encoding="utf-8")
        listed.append((code, name))
    listed.sort(key=lambda item: (item[0] != DISTRICT_CODE, item[1]))
    version = release_dir.name
    (work_dir / "index.html").write_text(_home_page(version, listed), encoding="utf-8")

    if out_dir.exists():
        old_dir = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old_dir, ignore_errors=True)
        out_dir.rename(old_dir)
        work_dir.rename(out_dir)
        shutil.rmtree(old_dir, ignore_errors=True)
    else:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        work_dir.rename(out_dir)
    return PortalResult(out_dir=out_dir, school_pages=len(listed))
