"""The frame every portal page shares: the head, a skip link, the site header naming the
district and the date the data are as of, and the page end. The stylesheet and the search
script are files beside this module (portal_assets/), copied into the site as they are."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

ASSETS_DIR = Path(__file__).with_name("portal_assets")
ASSET_FILES = ("style.css", "search.js")
PAGE_END = "\n</main>\n</body>\n</html>\n"


@dataclass(frozen=True)
class Site:
    """What every page says about the whole site."""

    district_name: str
    as_of_text: str  # "Data as of 19 November 2026", or "" when the release has no date


def page_start(title: str, root: str, site: Site) -> str:
    """Everything up to the page's own content; `root` is the path back to the site root
    ("" on the home page, "../" on school pages)."""
    as_of = f'<p class="as-of">{escape(site.as_of_text)}</p>' if site.as_of_text else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}style.css">\n</head>\n'
        '<body>\n<a class="skip" href="#main">Skip to the content</a>\n'
        f'<header class="site"><p><a href="{root}index.html">'
        f"{escape(site.district_name)} open data</a></p>{as_of}</header>\n"
        '<main id="main">\n'
    )


def page(title: str, root: str, site: Site, body: str) -> str:
    return page_start(title, root, site) + body + PAGE_END


def copy_assets(site_dir: Path) -> None:
    for name in ASSET_FILES:
        (site_dir / name).write_bytes((ASSETS_DIR / name).read_bytes())
