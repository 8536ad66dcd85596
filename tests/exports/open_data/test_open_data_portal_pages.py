"""School report cards: plan order, headings, Dashboard-style headlines, honest context.

Expected values come from the hand-built fixture (open_data_fixture.py): chronic absence is the
plan's first measure and ELA DFS its second; 2024-25 is the year to date, counted through
19 November 2024; the chronic-absence cells carry the Dashboard columns of dashboard_columns.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from exports.open_data import build_portal


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[int] = []
        self.texts: list[str] = []
        self._open: int | None = None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
            self.texts.append("")
            self._open = len(self.texts) - 1

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self.texts[self._open] += data


def _headings(html: str) -> list[tuple[int, str]]:
    parser = _Headings()
    parser.feed(html)
    return list(zip(parser.levels, parser.texts, strict=True))


@pytest.fixture(scope="module")
def site(released, tmp_path_factory):
    return build_portal(released.release_dir, tmp_path_factory.mktemp("pages") / "site").out_dir


def _page(site, code: str) -> str:
    return (site / "schools" / f"{code}.html").read_text(encoding="utf-8")


def _section(html: str, measure_name: str) -> str:
    start = html.index(f">{measure_name}</h3>")
    return html[start : html.index("</section>", start)]


def test_headings_never_skip_a_level(site):
    for page in [site / "index.html", *(site / "schools").iterdir()]:
        levels = [level for level, _ in _headings(page.read_text(encoding="utf-8"))]
        assert levels[0] == 1 and levels.count(1) == 1, page.name
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert jumps == [], page.name


def test_measures_follow_the_plan_with_a_table_of_contents(site):
    html = _page(site, "1930001")
    headings = _headings(html)
    assert headings[:5] == [
        (1, "Alder Elementary report card"),
        (2, "On this page"),
        (2, "Attendance"),
        (3, "Chronic absence (state rule)"),
        (2, "Literacy (English language arts)"),
    ]
    assert headings[5] == (3, "ELA distance from standard")
    contents = html.split('<nav class="toc"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents)
    assert links[:4] == [
        ("s-attendance", "Attendance"),
        ("m0", "Chronic absence (state rule)"),
        ("s-literacy", "Literacy (English language arts)"),
        ("m1", "ELA distance from standard"),
    ]
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert {target for target, _ in links} <= ids


def test_headline_reads_like_a_dashboard_indicator(site):
    """Alder, all students, 2024-25: 20 of 100 = 20%; the district 84 of 665 = 12.63%;
    status High, change Declined, colour Green (n >= 30, last year published), goal 12 by
    2025-26 and on track (the fixture's hand-set Dashboard columns)."""
    section = _section(_page(site, "1930001"), "Chronic absence (state rule)")
    glance = section.split('<table class="headline"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', glance))
    assert rows["All students, 2024-25, the year to date (counted through 19 November 2024)"] == (
        "20%"
    )
    assert rows["District, all students"] == "12.6%"
    assert rows["Students (n)"] == "100"
    assert rows["Dashboard status"] == "High"
    assert rows["Change from last year"] == "Declined"
    assert rows["Dashboard colour"] == '<span class="color color-Green">Green</span>'
    assert rows["Goal"] == "12% by 2025-26; on track"
    assert "Lower is better." in section
    district = _section(_page(site, "DISTRICT"), "Chronic absence (state rule)")
    assert "District, all students" not in district  # not beside itself


def test_what_this_measures_comes_from_the_catalog(site):
    section = _section(_page(site, "1930002"), "ELA distance from standard")
    assert (
        "<strong>What this measures:</strong> How far, on average, English test scores are "
        'above or below the standard. <span class="direction">Higher is better.</span>'
    ) in section


def test_partial_year_is_labelled_year_to_date_with_its_date(site):
    section = _section(_page(site, "1930004"), "Chronic absence (state rule)")
    assert "YTD: 2024-25, the year to date (counted through 19 November 2024)." in section
    trend = section.split("all students, by school year</figcaption>")[1].split("</figure>")[0]
    ticks = re.findall(r'class="tick" text-anchor="middle">([^<]+)</text>', trend)
    assert ticks == ["2023-24", "2024-25 YTD"]


def test_every_withheld_cell_says_why(site):
    """Alder 2024-25: Asian 3 < 10 (primary); White withheld so that ALL − HI − AS cannot
    give the Asian 3 back (complementary); Cedar White 1/30 bottom coded."""
    groups = _section(_page(site, "1930001"), "Chronic absence (state rule)").split(
        "by student group, 2024-25 YTD</figcaption>"
    )[1]
    table = dict(re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>", groups))
    assert table["Asian"] == "suppressed: fewer than 10 students"
    assert table["White"] == "suppressed: hidden so that another cell cannot be worked out"
    assert table["Hispanic/Latino"] == "21.1"
    chart = groups.split("</svg>")[0]
    assert 'class="withheld">fewer than 10 students</text>' in chart
    assert 'class="withheld">hidden to protect another cell</text>' in chart
    cedar = _section(_page(site, "1930003"), "Chronic absence (state rule)")
    assert "≤5% (shown as a range so that a small group's exact figure stays private)" in unescape(
        cedar
    )
    for page in (site / "schools").iterdir():
        html = page.read_text(encoding="utf-8")
        assert ">suppressed<" not in html, page.name  # never without its reason


def test_gap_chart_shows_each_group_against_all_students_over_the_years(site):
    """Alder 2024-25: Hispanic 12/57, published as 21.1 (the fixture's values are rounded to
    0.1), against all students 20.0: a gap of 1.1.
    Groups with a withheld figure have no gap that year (Asian and White every year)."""
    section = _section(_page(site, "1930001"), "Chronic absence (state rule)")
    gaps = section.split("gap to all students, by school year</figcaption>")[1]
    table = gaps.split("<table>")[1].split("</table>")[0]
    rows = {
        name: re.findall(r"<td>([^<]*)</td>", cells)
        for name, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table)
    }
    assert rows["Hispanic/Latino"][1] == "1.1"
    assert "Asian" not in rows and "White" not in rows
    assert "<svg" in gaps.split("<details>")[0]
    # only the plan's priority measures get a gap chart
    sessions = _section(_page(site, "1930001"), "Tutoring sessions")
    assert "gap to all students" not in sessions
