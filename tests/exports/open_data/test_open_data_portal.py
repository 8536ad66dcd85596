"""The static portal, checked in headless Chromium against a local web server."""

from __future__ import annotations

import functools
import json
import re
import threading
import urllib.request
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pytest

from exports.open_data import build_portal
from exports.open_data.browser import ChromiumUnavailable, ensure_chromium, run_chromium
from exports.open_data.svg_charts import bar_chart, point_from_published

SCREENSHOT_PATH = Path(__file__).resolve().parents[3] / ".artifacts" / "portal_screenshot.png"


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def portal(released, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("portal") / "site"
    result = build_portal(released.release_dir, out_dir)
    return result


@pytest.fixture(scope="module")
def served(portal):
    handler = functools.partial(_QuietHandler, directory=str(portal.out_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium():
    try:
        return ensure_chromium()
    except ChromiumUnavailable as error:
        pytest.fail(f"headless Chromium is required for the portal tests: {error}")


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_portal_has_a_page_per_school_and_the_district(portal):
    pages = sorted(p.name for p in (portal.out_dir / "schools").iterdir())
    assert pages == [
        "1930001.html",
        "1930002.html",
        "1930003.html",
        "1930004.html",
        "DISTRICT.html",
    ]
    assert portal.school_pages == 5


def test_every_link_on_every_page_resolves(served, portal):
    pages = ["index.html"] + [f"schools/{p.name}" for p in (portal.out_dir / "schools").iterdir()]
    checked = set()
    for page in pages:
        status, body = _get(served + page)
        assert status == 200
        collector = _LinkCollector()
        collector.feed(body.decode("utf-8"))
        assert collector.links, page
        for link in collector.links:
            url = urljoin(served + page, link).split("#", 1)[0]
            if url in checked:
                continue
            assert url.startswith(served), f"{page} links outside the site: {link}"
            assert _get(url)[0] == 200, url
            checked.add(url)
    assert any(url.endswith("scorecard_measures.parquet") for url in checked)
    assert any(url.endswith("data_dictionary.md") for url in checked)


def test_pages_are_accessible_html(portal):
    for page in [portal.out_dir / "index.html", *(portal.out_dir / "schools").iterdir()]:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="en">' in html
        assert re.search(r"<title>[^<]+</title>", html)
    school = (portal.out_dir / "schools" / "1930001.html").read_text(encoding="utf-8")
    charts = school.count("<svg")
    assert charts > 0
    assert school.count("<title id=") == charts  # every chart has a title
    assert school.count("<table>") == charts  # and a data table fallback


def _school_index(home: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="school-index">(.*?)</script>', home)
    assert found, "the home page embeds its search index"
    return json.loads(found.group(1))


def test_home_page_search_index_lists_every_school_with_address_and_grades(portal):
    home = (portal.out_dir / "index.html").read_text(encoding="utf-8")
    index = _school_index(home)
    assert [entry["name"] for entry in index] == [
        "Alder Elementary",
        "Birch Middle",
        "Cedar High",
        "Dogwood High",
    ]
    birch = index[1]
    assert birch["url"] == "schools/1930002.html"
    assert birch["address"] == "2 Main St, Springfield, CA 90002"
    assert (birch["low"], birch["high"]) == (0, 12)  # KN to 12
    assert birch["summary"] == "Grades K–12 · 2 Main St, Springfield, CA 90002"
    assert '<script src="search.js"></script>' in home and "://" not in home.split("<h2")[1]


def test_home_page_lists_schools_by_level_and_names_the_district(portal):
    home = (portal.out_dir / "index.html").read_text(encoding="utf-8")
    assert "<h1>District total open data</h1>" in home
    elementary = home.split("<h3>Elementary schools (1)</h3>")[1].split("</ul>")[0]
    assert "Alder Elementary" in elementary and "Grades K–12" in elementary
    assert "<h3>High schools (3)</h3>" in home
    assert "Release 2025.1" in home and "Release 2025.1" not in home.split("<main")[0]


def test_every_page_says_the_readable_date_the_data_are_as_of(portal):
    pages = [portal.out_dir / "index.html", *(portal.out_dir / "schools").iterdir()]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<p class="as-of">Data as of 19 November 2024</p>' in html, page.name


def test_search_finds_schools_from_the_disk_without_a_server(portal, chromium, tmp_path):
    """search.js runs on file:// (no server, no network): a name, then a grade with a word
    of the address (all four fixture schools serve K-12 on Main St)."""
    home = (portal.out_dir / "index.html").resolve().as_uri()
    for query, expected in (("birch", ["Birch Middle"]), ("grade+6+main", 4)):
        run = run_chromium(f"{home}?q={query}", tmp_path / f"profile-{query}", "--dump-dom")
        assert run.returncode == 0, run.stderr[-2000:]
        results = run.stdout.split('id="search-results"')[1].split("</ul>")[0]
        found = re.findall(r'<a href="schools/[^"]+">([^<]+)</a>', results)
        if isinstance(expected, int):
            assert len(found) == expected and f"{expected} schools found" in run.stdout
        else:
            assert found == expected and "1 school found" in run.stdout


def test_charts_and_tables_show_group_names_not_codes(portal):
    school = (portal.out_dir / "schools" / "1930004.html").read_text(encoding="utf-8")
    bar_labels = re.findall(r'class="tick" text-anchor="end">([^<]+)</text>', school)
    assert "Hispanic/Latino" in bar_labels and "Socioeconomically disadvantaged" in bar_labels
    table_cells = re.findall(r"<tr><td>([^<]+)</td>", school)
    assert "English learners" in table_cells
    codes = {"HI", "AS", "WH", "SED", "EL", "F", "M", "ALL"}
    assert not codes & set(bar_labels + table_cells)


def test_suppressed_values_are_labelled_not_drawn_as_zero():
    points = [
        point_from_published("HI", "21.1", False),
        point_from_published("AS", "", True),
        point_from_published("WH", "≤5%", True),
    ]
    svg = bar_chart("t", "test", points, "percent")
    assert svg.count("<rect") == 1  # only the published value gets a bar
    assert ">suppressed</text>" in svg
    assert ">≤5%</text>" in svg


def test_pages_render_in_headless_chromium(served, chromium, tmp_path):
    home = run_chromium(served + "index.html", tmp_path / "profile-home", "--dump-dom")
    assert home.returncode == 0, home.stderr[-2000:]
    assert "District total open data" in home.stdout
    assert "Alder Elementary" in home.stdout

    school = run_chromium(
        served + "schools/1930001.html", tmp_path / "profile-school", "--dump-dom"
    )
    assert school.returncode == 0, school.stderr[-2000:]
    dom = school.stdout
    assert dom.count("<svg") >= 6
    assert "<polyline" in dom and "<rect" in dom
    assert "suppressed" in dom

    SCREENSHOT_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT_PATH.unlink(missing_ok=True)
    shot = run_chromium(
        served + "schools/1930001.html",
        tmp_path / "profile-shot",
        f"--screenshot={SCREENSHOT_PATH}",
        "--window-size=1100,1400",
        "--hide-scrollbars",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert SCREENSHOT_PATH.stat().st_size > 10_000
    assert SCREENSHOT_PATH.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_portal_shows_values_at_reading_precision():
    # 6.9284 → 6.93 (below 10: two decimals), 16.1209 → 16.1, 1.5263 → 1.53, 80.0 → 80
    assert point_from_published("ALL", "6.9284", False).text == "6.93"
    assert point_from_published("ALL", "16.1209", False).text == "16.1"
    assert point_from_published("HI", "-1.5263", False).text == "-1.53"
    assert point_from_published("M", "80.0", False).text == "80"
