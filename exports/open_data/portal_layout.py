"""What every portal page shares: the site's name and as-of date (templates/base.html.j2 lays
out the frame). The stylesheet and the search script are files beside this module
(portal_assets/), copied into the site as they are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).with_name("portal_assets")
ASSET_FILES = ("style.css", "search.js")


@dataclass(frozen=True)
class Site:
    """What every page says about the whole site."""

    district_name: str
    as_of_text: str  # "Data as of 19 November 2026", or "" when the release has no date


def copy_assets(site_dir: Path) -> None:
    for name in ASSET_FILES:
        (site_dir / name).write_bytes((ASSETS_DIR / name).read_bytes())
