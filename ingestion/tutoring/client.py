"""Getting the vendor's pages: from the live API, or from pages saved one JSON file each.

Either way the result is a list of page files on disk, in page order, each with the name that
lineage should show (the request URL, or the saved file's path under the sources root), so the
loader reads both the same way.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingestion.common.errors import SourceError

ENDPOINTS = ("sessions", "acceleration_days")
_PAGE_NUMBER = re.compile(r"^page-(\d+)\.json$")


class TutoringSourceError(SourceError):
    """The vendor API failed, or a page is missing or malformed."""


@dataclass(frozen=True)
class StagedPage:
    """One page as a JSON file on disk and the name lineage records for it."""

    path: Path
    source_file: str


def check_page(document: object, name: str) -> str | None:
    """Validate a page's envelope and return its `meta.next_cursor` (None on the last page)."""
    if not isinstance(document, dict):
        raise TutoringSourceError(f"page {name} is not a JSON object")
    if not isinstance(document.get("data"), list):
        raise TutoringSourceError(f"page {name} has no `data` array")
    meta = document.get("meta")
    if not isinstance(meta, dict) or "next_cursor" not in meta:
        raise TutoringSourceError(f"page {name} has no `meta.next_cursor`")
    cursor = meta["next_cursor"]
    if cursor is not None and not isinstance(cursor, str | int):
        raise TutoringSourceError(f"page {name} has a next_cursor that is not a string")
    return None if cursor in (None, "") else str(cursor)


def saved_pages(
    pages_dir: Path, endpoint: str, relative_name: Callable[[Path], str]
) -> list[StagedPage]:
    """The saved pages of one endpoint (`<dir>/<endpoint>/page-<NNNNN>.json`) in page order."""
    folder = Path(pages_dir) / endpoint
    if not folder.is_dir():
        raise TutoringSourceError(f"no saved tutoring pages for {endpoint}: {folder} is missing")
    numbered = []
    for path in folder.glob("page-*.json"):
        match = _PAGE_NUMBER.match(path.name)
        if match is None:
            raise TutoringSourceError(f"saved page name is not page-<number>.json: {path}")
        numbered.append((int(match.group(1)), path))
    if not numbered:
        raise TutoringSourceError(f"no page-*.json files in {folder}")
    return [StagedPage(path, relative_name(path)) for _, path in sorted(numbered)]


class TutoringApiClient:
    """Pages through `GET {base}/v1/{endpoint}` following `meta.next_cursor` until it is null."""

    def __init__(
        self,
        base_url: str,
        token: str = "",
        page_size: int = 1000,
        timeout_seconds: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.page_size = page_size
        self.timeout_seconds = timeout_seconds

    def page_url(self, endpoint: str, cursor: str | None, updated_since: str | None) -> str:
        query = {"page_size": str(self.page_size)}
        if cursor is not None:
            query["cursor"] = cursor
        if updated_since is not None:
            query["updated_since"] = updated_since
        return f"{self.base_url}/v1/{endpoint}?{urllib.parse.urlencode(query)}"

    def _get(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise TutoringSourceError(
                f"GET {url} failed: HTTP {error.code} {error.reason}"
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TutoringSourceError(f"GET {url} failed: {error}") from error

    def pages(self, endpoint: str, updated_since: str | None = None) -> Iterator[tuple[str, bytes]]:
        """Yield (url, body) for every page, checking each envelope on the way."""
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            url = self.page_url(endpoint, cursor, updated_since)
            body = self._get(url)
            try:
                document = json.loads(body)
            except ValueError as error:
                raise TutoringSourceError(f"page {url} is not valid JSON: {error}") from error
            cursor = check_page(document, url)
            yield url, body
            if cursor is None:
                return
            if cursor in seen_cursors:
                raise TutoringSourceError(f"page {url} repeats cursor {cursor!r}; stopping")
            seen_cursors.add(cursor)

    def stage_pages(
        self, endpoint: str, staging_dir: Path, updated_since: str | None = None
    ) -> list[StagedPage]:
        """Fetch every page and write each body to `staging_dir/<endpoint>/page-<NNNNN>.json`."""
        folder = Path(staging_dir) / endpoint
        folder.mkdir(parents=True, exist_ok=True)
        staged = []
        for number, (url, body) in enumerate(self.pages(endpoint, updated_since), start=1):
            path = folder / f"page-{number:05d}.json"
            path.write_bytes(body)
            staged.append(StagedPage(path, url))
        return staged
