"""The portal in a real browser, as people who do not use a mouse or a wide screen meet it:
axe-core finds nothing serious or critical on the home, a school and the district page in
English and Spanish; the search and the language switch work from the keyboard alone with a
visible focus ring; every chart is an image with a name and a data table of its figures; and
at 390 px (a phone) no page scrolls sideways.

One headless Chromium (Debian's, through Playwright) serves the whole module; the portal is
built once from the hand-built fixture (open_data_fixture.py: Birch Middle is 1930002)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from exports.open_data import build_portal
from exports.open_data.browser import ChromiumUnavailable, launch_playwright

PAGES = {
    "home": "index.html",
    "school": "schools/1930001.html",
    "district": "schools/DISTRICT.html",
}
LANGUAGE_PREFIXES = {"en": "", "es": "es/"}
EVERY_PAGE = [
    pytest.param(prefix + path, id=f"{language}-{kind}")
    for language, prefix in LANGUAGE_PREFIXES.items()
    for kind, path in PAGES.items()
]
BLOCKING_IMPACTS = {"serious", "critical"}
OPEN_EVERY_DATA_TABLE = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


@pytest.fixture(scope="module")
def site(released, tmp_path_factory):
    return build_portal(released.release_dir, tmp_path_factory.mktemp("a11y") / "site").out_dir


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        try:
            browser = launch_playwright(playwright)
        except ChromiumUnavailable as error:
            pytest.fail(f"headless Chromium is required for the portal tests: {error}")
        yield browser
        browser.close()


def _open(browser, site, path: str, width: int = 1280):
    """A fresh page (its own storage, an English-speaking browser) showing `path`."""
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((site / path).resolve().as_uri())
    return page


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", EVERY_PAGE)
def test_axe_finds_nothing_serious_or_critical(browser, site, path, width):
    """With the search showing results and every data table open, so that axe sees them too;
    on a desktop and on a phone, where the wide tables scroll in their own box."""
    page = _open(browser, site, path, width)
    if path.endswith("index.html"):
        page.fill("#school-search", "main")
        expect(page.locator("#search-results li")).to_have_count(4)
    page.evaluate(OPEN_EVERY_DATA_TABLE)
    results = Axe().run(page).response
    page.context.close()
    assert results["testEngine"]["name"] == "axe-core"
    assert results["passes"], "axe ran no rule that passed: was it injected into the page?"
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}" for node in v["nodes"])
        for v in blocking
    )
    engine = f"axe-core {results['testEngine']['version']}"
    assert not blocking, f"{engine} on {path} at {width} px:\n{report}"


def _tab_to(page, selector: str, presses: int = 40) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{presses} presses of Tab never reached {selector}; focus is on {focused}")


def _luminance(rgb: tuple[int, ...]) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _assert_focus_visible(page) -> None:
    """The focused element draws an outline of at least 2 px, 3:1 against the white page."""
    ring = page.evaluate(
        """() => { const el = document.activeElement, style = getComputedStyle(el);
        return {html: el.outerHTML.slice(0, 120), visible: el.matches(':focus-visible'),
                style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                color: style.outlineColor}; }"""
    )
    assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, ring
    rgb = tuple(int(c) for c in re.findall(r"\d+", ring["color"])[:3])
    contrast = 1.05 / (_luminance(rgb) + 0.05)
    assert contrast >= 3, f"focus ring {ring['color']} is {contrast:.2f}:1 on white: {ring}"


def test_skip_link_is_the_first_stop_and_shows_on_focus(browser, site):
    page = _open(browser, site, "schools/1930001.html")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.context.close()


def test_search_from_the_keyboard_finds_and_opens_a_school(browser, site):
    page = _open(browser, site, "index.html")
    _tab_to(page, "#school-search")
    _assert_focus_visible(page)
    page.keyboard.type("Birch")
    expect(page.locator("#search-status")).to_have_text("1 school found")
    _tab_to(page, "#search-results a")
    expect(page.locator("#search-results a")).to_be_focused()
    expect(page.locator("#search-results a")).to_have_text("Birch Middle")
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/schools/1930002.html")
    expect(page.locator("h1")).to_have_text("Birch Middle report card")
    page.context.close()


def test_language_switch_from_the_keyboard_goes_to_spanish_and_back(browser, site):
    page = _open(browser, site, "index.html")
    for language, path in (("es", "es/index.html"), ("en", "index.html")):
        _tab_to(page, "nav.language a")
        _assert_focus_visible(page)
        page.keyboard.press("Enter")
        page.wait_for_url((site / path).resolve().as_uri())
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.context.close()


# Per chart, what its data table lacks: every value drawn on the chart is a cell of the table,
# and the chart's text alternative (desc) names every row and every figure of the table.
CHART_TABLE_GAPS = """() => Array.from(document.querySelectorAll('main svg')).map(svg => {
  const figure = svg.closest('figure'), problems = [];
  const table = figure && figure.querySelector('table');
  if (!table) return {chart: svg.outerHTML.slice(0, 120), problems: ['no data table']};
  const desc = (svg.querySelector('desc') || {textContent: ''}).textContent;
  const cells = new Set(Array.from(table.querySelectorAll('tbody td, tbody th'),
                                   c => c.textContent.trim()));
  for (const label of svg.querySelectorAll('text.label')) {
    if (!cells.has(label.textContent.trim())) problems.push('drawn, not in the table: '
                                                            + label.textContent);
  }
  for (const row of table.querySelectorAll('tbody tr')) {
    const [first, ...rest] = Array.from(row.children, c => c.textContent.trim());
    if (!desc.includes(first)) problems.push('row not in the description: ' + first);
    const figures = row.children[0].tagName === 'TH' ? rest : rest.slice(0, 1);
    for (const value of figures) {
      if (/^-?[0-9.]+$/.test(value) && !desc.includes(value))
        problems.push(first + ': ' + value + ' not in the description');
    }
  }
  return {chart: svg.getAttribute('aria-labelledby'), rows: table.tBodies[0].rows.length,
          problems};
})"""


@pytest.mark.parametrize(
    "path",
    [p for p in EVERY_PAGE if not p.values[0].endswith("index.html")],
)
def test_every_chart_is_a_named_image_with_a_table_of_its_figures(browser, site, path):
    page = _open(browser, site, path)
    figures = page.locator("main figure:has(svg)")
    assert figures.count() >= 10, "the fixture's report cards draw a dozen charts or more"
    assert page.locator("main svg").count() == figures.count()
    for figure in figures.all():
        caption = figure.locator("figcaption").inner_text()
        expect(figure.locator("svg")).to_have_attribute("role", "img")
        expect(figure.get_by_role("img", name=caption)).to_have_count(1)
    charts = page.evaluate(CHART_TABLE_GAPS)
    page.context.close()
    assert all(chart["rows"] > 0 for chart in charts), charts
    assert [chart for chart in charts if chart["problems"]] == []


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_nothing_scrolls_sideways_on_a_phone(browser, site, path):
    """390 px wide, every data table open: charts scale down, wide tables scroll in place."""
    page = _open(browser, site, path, width=390)
    page.evaluate(OPEN_EVERY_DATA_TABLE)
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    charts = page.evaluate(
        "Array.from(document.querySelectorAll('svg.chart'), s => s.getBoundingClientRect().width)"
    )
    page.context.close()
    assert client == 390
    assert scroll <= client, f"{path} is {scroll} px wide at {client} px"
    assert all(0 < width <= client for width in charts), charts
