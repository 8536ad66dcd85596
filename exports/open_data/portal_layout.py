"""What every portal page shares: the site's name and as-of date, the path back to the site
root and the links to the same page in the other languages (templates/base.html.j2 lays out
the frame). The stylesheet and the scripts are files beside this module (portal_assets/),
copied into the site as they are.

Site layout: English pages at the root (index.html, schools/<code>.html), Spanish pages under
es/ (es/index.html, es/schools/<code>.html); the assets and downloads once, at the root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exports.open_data.portal_text import LANGUAGES, Language, Texts

ASSETS_DIR = Path(__file__).with_name("portal_assets")
ASSET_FILES = ("style.css", "search.js", "lang.js")


@dataclass(frozen=True)
class Site:
    """What every page of one language says about the whole site."""

    district_name: str
    as_of_text: str  # "Data as of 19 November 2026", or "" when the release has no date


def frame(language: Language, t: Texts, page_path: str) -> dict:
    """The base layout's variables for the page at `page_path` inside the language's folder
    ("index.html", "schools/1930001.html")."""
    root = "../" * (page_path.count("/") + (1 if language.prefix else 0))
    return {
        "language": language,
        "t": t,
        "root": root,
        "switch": [
            {
                "code": other.code,
                "href": f"{root}{other.prefix}{page_path}",
                "name": t.entries["lang.name"].get(other.code, other.code),
            }
            for other in LANGUAGES
            if other != language
        ],
        "browser_language_target": "",
    }


def copy_assets(site_dir: Path) -> None:
    for name in ASSET_FILES:
        (site_dir / name).write_bytes((ASSETS_DIR / name).read_bytes())
