"""The portal in English and Spanish: both built page for page, each page's lang attribute and
language switch, Spanish words and dates from the catalogue, and a catalogue with a Spanish
text for every key the portal uses (a missing one falls back to English and is reported).

Expected values come from the hand-built fixture (open_data_fixture.py): data as of
19 November 2024; Alder (1930001) 2024-25 Asian 3 < 10 students, withheld."""

from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exports.open_data import build_portal, portal_text
from exports.open_data.browser import ChromiumUnavailable, ensure_chromium, run_chromium
from exports.open_data.portal_text import LANGUAGES, Texts, load_catalogue, long_date

PACKAGE = Path(portal_text.__file__).parent
SEEDS = Path(__file__).resolve().parents[3] / "dbt_project" / "seeds"


@pytest.fixture(scope="module")
def built(released, tmp_path_factory):
    return build_portal(released.release_dir, tmp_path_factory.mktemp("languages") / "site")


def _pages(site: Path, language) -> list[Path]:
    folder = site / language.prefix
    return [folder / "index.html", *sorted((folder / "schools").glob("*.html"))]


class _Page(HTMLParser):
    """The html lang, the language switch's links and the heading levels of a page."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.switch: list[dict] = []
        self.switch_label = None
        self.headings: list[int] = []
        self._in_switch = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "nav" and attrs.get("class") == "language":
            self._in_switch, self.switch_label = True, attrs.get("aria-label")
        if tag == "a" and self._in_switch:
            self.switch.append(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switch = False


def _parse(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_page_is_built_in_english_and_spanish(built):
    site = built.out_dir
    english = [p.relative_to(site).as_posix() for p in _pages(site, LANGUAGES[0])]
    spanish = [p.relative_to(site / "es").as_posix() for p in _pages(site, LANGUAGES[1])]
    assert english == spanish
    assert len(english) == 1 + built.school_pages
    assert built.missing_translations == []


def test_lang_attribute_switch_and_headings_of_every_page(built):
    site = built.out_dir
    for language in LANGUAGES:
        for page in _pages(site, language):
            parsed = _parse(page)
            assert parsed.lang == language.code, page
            (link,) = parsed.switch  # one link: the same page in the other language
            other = next(o for o in LANGUAGES if o != language)
            assert (link["hreflang"], link["lang"]) == (other.code, other.code)
            target = (page.parent / link["href"]).resolve()
            assert target.is_file(), (page, link["href"])
            assert target.relative_to(site.resolve() / other.prefix) == page.relative_to(
                site / language.prefix
            )
            back = _parse(target).switch[0]["href"]
            assert (target.parent / back).resolve() == page.resolve()
            assert parsed.switch_label == {"en": "Language", "es": "Idioma"}[language.code]
            levels = parsed.headings
            assert levels[0] == 1 and levels.count(1) == 1, page
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), page


def test_spanish_pages_say_it_in_spanish(built):
    site = built.out_dir
    home = (site / "es" / "index.html").read_text(encoding="utf-8")
    assert '<p class="as-of">Datos al 19 de noviembre de 2024</p>' in home
    assert '<h2 id="find">Buscar una escuela</h2>' in home
    assert '<label for="school-search">Nombre, dirección o grado de la escuela</label>' in home
    assert 'href="../downloads/data/measures.csv"' in home
    assert '<script src="../search.js"></script>' in home
    alder = (site / "es" / "schools" / "1930001.html").read_text(encoding="utf-8")
    assert "<h1>Informe de Alder Elementary</h1>" in alder
    assert '<h3 id="m0">Ausentismo crónico (regla estatal)</h3>' in alder
    assert "<tr><td>Asiático</td><td>oculto: menos de 10 estudiantes</td>" in alder
    assert 'class="withheld">menos de 10 estudiantes</text>' in alder
    assert "2024-25 a la fecha" in alder
    assert (
        '<th scope="row">Color en el Dashboard</th>'
        '<td><span class="color color-Green">Verde</span></td>'
    ) in alder
    assert "Grados K–12" in alder and "Código de escuela 1930001" in alder
    english = (site / "schools" / "1930001.html").read_text(encoding="utf-8")
    assert "<tr><td>Asian</td><td>suppressed: fewer than 10 students</td>" in english


def test_only_the_english_home_page_follows_the_browser_language(built):
    site = built.out_dir
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="lang.js" data-browser-language="es/index.html"></script>' in home
    for page in [*_pages(site, LANGUAGES[0])[1:], *_pages(site, LANGUAGES[1])]:
        assert "data-browser-language" not in page.read_text(encoding="utf-8"), page
    assert (site / "lang.js").is_file()


def _chromium():
    try:
        return ensure_chromium()
    except ChromiumUnavailable as error:
        pytest.fail(f"headless Chromium is required for the portal tests: {error}")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("es-MX,es,en", '<html lang="es">'), ("en-US,en,es", '<html lang="en">')],
)
def test_browser_preferring_spanish_lands_on_the_spanish_home_page(
    built, tmp_path, accept, expected
):
    _chromium()
    url = (built.out_dir / "index.html").resolve().as_uri()
    run = run_chromium(url, tmp_path / "profile", f"--accept-lang={accept}", "--dump-dom")
    assert run.returncode == 0, run.stderr
    assert expected in run.stdout


def test_spanish_search_speaks_spanish(built, tmp_path):
    """search.js on the Spanish home page: "grado 6" is a grade, the status is in Spanish and
    the results link to the Spanish report cards."""
    _chromium()
    home = (built.out_dir / "es" / "index.html").resolve().as_uri()
    for query, names, status in (
        ("birch", ["Birch Middle"], "1 escuela encontrada"),
        ("grado+6+main", 4, "4 escuelas encontradas"),
    ):
        run = run_chromium(f"{home}?q={query}", tmp_path / f"profile-{query}", "--dump-dom")
        assert run.returncode == 0, run.stderr[-2000:]
        results = run.stdout.split('id="search-results"')[1].split("</ul>")[0]
        found = re.findall(r'<a href="schools/[^"]+">([^<]+)</a>', results)
        assert (len(found) if isinstance(names, int) else found) == names
        assert status in run.stdout
    assert (built.out_dir / "es" / "schools" / "1930002.html").is_file()


def test_spanish_dates_need_no_locale():
    assert long_date("2026-11-20", "es") == "20 de noviembre de 2026"
    assert long_date("2026-01-01", "en") == "1 January 2026"


def _keys_the_portal_uses() -> set[str]:
    """Every literal key in the templates and the portal's modules, and the keys built from
    the seeds' measures, groups, plan sections, areas and Dashboard levels."""
    sources = [*PACKAGE.joinpath("templates").glob("*.j2"), *PACKAGE.glob("portal*.py")]
    keys = {
        key
        for path in sources
        for key in re.findall(r'\bt\(\s*"([a-z_]+\.[A-Za-z_.]+)"', path.read_text("utf-8"))
    }
    with (SEEDS / "measure_catalog.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            keys |= {f"measure.{row['measure_code']}.name", f"area.{row['area']}"}
            keys.add(f"measure.{row['measure_code']}.description")
            if row["plan_section"]:
                keys.add(f"plan.{row['plan_section']}")
    with (SEEDS / "student_group_labels.csv").open(encoding="utf-8") as handle:
        keys |= {f"group.{row['code']}" for row in csv.DictReader(handle)}
    for seed, column, prefix in (
        ("dashboard_status_cuts.csv", "status_level", "status"),
        ("dashboard_change_cuts.csv", "change_level", "change"),
        ("dashboard_color_grid.csv", "color", "color"),
    ):
        with (SEEDS / seed).open(encoding="utf-8") as handle:
            keys |= {f"{prefix}.{row[column]}" for row in csv.DictReader(handle)}
    for status in ("not_reported", "not_enough_history"):
        keys |= {f"cell.{status}", f"cell.{status}_short", f"note.{status}"}
    keys |= {f"level.{level}" for level in ("ES", "MS", "HS", "other")}
    keys |= {"unit.points", "unit.days", "lang.name", "section.on_track"}
    return keys


def test_the_catalogue_has_spanish_for_every_key_the_portal_uses():
    entries = load_catalogue(
        [PACKAGE / "translations" / name for name in portal_text.CATALOGUE_FILES]
    )
    used = _keys_the_portal_uses()
    assert len(used) > 200  # the scan found the templates' and the seeds' keys
    assert sorted(key for key in used if "en" not in entries.get(key, {})) == []
    assert sorted(key for key in used if "es" not in entries.get(key, {})) == []


def test_a_missing_spanish_text_falls_back_to_english_and_is_reported(
    released, tmp_path, monkeypatch
):
    translations = tmp_path / "translations"
    shutil.copytree(PACKAGE / "translations", translations)
    catalogue = translations / "portal_text.csv"
    with catalogue.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["key"] in ("home.find", "group.AS"):
            row["es"] = ""
    with catalogue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["key", "en", "es"])
        writer.writeheader()
        writer.writerows(rows)
    measures = translations / "measure_text.csv"
    measures.write_text(
        "\n".join(
            line
            for line in measures.read_text("utf-8").splitlines()
            if not line.startswith("group.AS,")
        )
        + "\n",
        encoding="utf-8",
    )
    district = tmp_path / "district_text.csv"
    district.write_text("key,en,es\nsite.as_of,,Datos actualizados al {date}\n", encoding="utf-8")
    monkeypatch.setattr(portal_text, "TRANSLATIONS_DIR", translations)
    monkeypatch.setenv(portal_text.EXTRA_CATALOGUE_ENV, str(district))
    site = build_portal(released.release_dir, tmp_path / "site")
    assert site.missing_translations == ["group.AS", "home.find"]
    home = (site.out_dir / "es" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="find">Find a school</h2>' in home
    assert "Datos actualizados al 19 de noviembre de 2024" in home
    alder = (site.out_dir / "es" / "schools" / "1930001.html").read_text(encoding="utf-8")
    assert "<tr><td>Asian</td><td>oculto: menos de 10 estudiantes</td>" in alder


def test_texts_fall_back_to_english_and_record_the_key():
    t = Texts("es", {"a.b": {"en": "Hello {name}"}, "c.d": {"en": "Yes", "es": "Sí"}})
    assert (t("a.b", name="Ana"), t("c.d")) == ("Hello Ana", "Sí")
    assert t.translated("group.XX", "Group XX") == "Group XX"
    assert t.missing == {"a.b", "group.XX"}
