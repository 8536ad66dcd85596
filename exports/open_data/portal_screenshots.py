"""PNG screenshots of a built portal's public pages, for the documentation: the home page, one
school's report card and the district's, in English and Spanish, on a desktop (1280 px wide)
and on a phone (390 px), taken in headless Chromium through Playwright.

    python -m exports.open_data.portal_screenshots --portal data/open_data/portal \\
        --out docs/screenshots/portal

Only the portal's pages are shot, and they hold only published (suppressed) figures. A page is
shot whole down to a height per viewport (2,400 px on a desktop, 4,800 px on a phone, where the
table of contents alone fills 2,400): a report card runs to 15,000 px and more, and its top
(name, contents, the first measures and their charts) is what a screenshot is for.
Playwright is a development dependency; the browser is Debian's chromium (browser.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exports.open_data.browser import ChromiumUnavailable, launch_playwright

# name -> (width, height of the window, the most of the page shot)
VIEWPORTS = {"desktop": (1280, 900, 2400), "390px": (390, 844, 4800)}
LANGUAGES = {"en": "", "es": "es/"}


def pages(portal: Path, school: str | None = None) -> dict[str, str]:
    """Page kind -> path under the site root: the home page, `school` (the first school page
    by code when None) and the district."""
    schools = sorted(p.stem for p in (portal / "schools").glob("*.html") if p.stem != "DISTRICT")
    if not schools:
        raise FileNotFoundError(f"{portal} has no school pages (schools/<code>.html)")
    if school is None:
        school = schools[0]
    elif school not in schools:
        raise FileNotFoundError(f"{portal}/schools/{school}.html does not exist")
    return {
        "home": "index.html",
        "school": f"schools/{school}.html",
        "district": "schools/DISTRICT.html",
    }


def take_screenshots(
    portal: str | Path, out_dir: str | Path, school: str | None = None
) -> list[Path]:
    """Write <kind>-<language>-<viewport>.png for every page, language and viewport."""
    from playwright.sync_api import sync_playwright

    portal, out_dir = Path(portal).resolve(), Path(out_dir)
    if not (portal / "index.html").is_file():
        raise FileNotFoundError(f"no portal at {portal} (index.html is missing)")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = launch_playwright(playwright)
        for viewport, (width, height, max_height) in VIEWPORTS.items():
            # An English-speaking browser: the English home page stays English (lang.js).
            context = browser.new_context(
                locale="en-US", viewport={"width": width, "height": height}
            )
            page = context.new_page()
            for language, prefix in LANGUAGES.items():
                for kind, path in pages(portal, school).items():
                    page.goto((portal / prefix / path).as_uri())
                    full_height = page.evaluate("document.documentElement.scrollHeight")
                    target = out_dir / f"{kind}-{language}-{viewport}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={
                            "x": 0,
                            "y": 0,
                            "width": width,
                            "height": min(full_height, max_height),
                        },
                    )
                    written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portal", required=True, help="the built site (its index.html)")
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--school", help="school code of the report card to shoot")
    args = parser.parse_args(argv)
    try:
        written = take_screenshots(args.portal, args.out, args.school)
    except (FileNotFoundError, ChromiumUnavailable) as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
