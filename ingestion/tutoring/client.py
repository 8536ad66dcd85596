"""Getting the vendor's pages: from the live API, or from pages saved one JSON file each.

Either way the result is a list of page files on disk, in page order, each with the name that
lineage should show (the request URL, or the saved file's path under the sources root), so the
loader reads both the same way.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingestion.common.errors import SourceError
from ingestion.common.http_retry import Transient, call_with_retries, retry_after_seconds

_PAGE_NUMBER = re.compile(r"^page-(\d+)\.json$")


class TutoringSourceError(SourceError):
    """The vendor API failed, or a page is missing or malformed."""

    source = "tutoring"


@dataclass(frozen=True)
class StagedPage:
    """One page as a JSON file on disk and the name lineage records for it."""

    path: Path
    source_file: str


def check_page(document: object, name: str) -> str | None:
    """Validate a page's envelope and return its `meta.next_cursor` (None on the last page)."""

    def malformed(problem: str) -> TutoringSourceError:
        return TutoringSourceError(
            f"page {name} {problem}", rule="malformed_page", source_file=name
        )

    if not isinstance(document, dict):
        raise malformed("is not a JSON object")
    if not isinstance(document.get("data"), list):
        raise malformed("has no `data` array")
    meta = document.get("meta")
    if not isinstance(meta, dict) or "next_cursor" not in meta:
        raise malformed("has no `meta.next_cursor`")
    cursor = meta["next_cursor"]
    if cursor is not None and not isinstance(cursor, str | int):
        raise malformed("has a next_cursor that is not a string")
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
    """Pages through `GET {base}/v1/{endpoint}` following `meta.next_cursor` until it is null.

    Transient failures are retried with exponential backoff (`backoff_seconds` × 2^n): HTTP 429
    and 5xx, timeouts, dropped connections, and a body that is not valid JSON (a response cut
    off in transit). A `Retry-After` header, in seconds or as an HTTP date, is honoured instead
    of the backoff when present; a wait longer than `max_wait_seconds` is not waited out but
    reported. Anything else (401, 404, a valid page of the wrong shape) fails at once. After
    `max_retries` retries the error names the URL, the attempts and the last failure.
    """

    def __init__(
        self,
        base_url: str,
        token: str = "",
        page_size: int = 1000,
        timeout_seconds: float = 30.0,
        max_retries: int = 5,
        backoff_seconds: float = 1.0,
        max_wait_seconds: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.page_size = page_size
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep

    def page_url(self, endpoint: str, cursor: str | None, updated_since: str | None) -> str:
        query = {"page_size": str(self.page_size)}
        if cursor is not None:
            query["cursor"] = cursor
        if updated_since is not None:
            query["updated_since"] = updated_since
        return f"{self.base_url}/v1/{endpoint}?{urllib.parse.urlencode(query)}"

    def _attempt(self, url: str) -> tuple[bytes, object] | Transient:
        """One GET of a page: (body, parsed JSON), or the `Transient` failure to retry."""
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            failure = f"HTTP {error.code} {error.reason}"
            if error.code == 429 or 500 <= error.code <= 599:
                return Transient(failure, retry_after_seconds(error.headers.get("Retry-After")))
            raise TutoringSourceError(
                f"GET {url} failed: {failure}", rule="http_error", source_file=url
            ) from error
        except TimeoutError as error:
            return Transient(f"timed out after {self.timeout_seconds:g} s ({error})")
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return Transient(f"timed out after {self.timeout_seconds:g} s ({error.reason})")
            return Transient(f"connection failed: {error.reason}")
        except (http.client.HTTPException, ConnectionError, OSError) as error:
            return Transient(f"connection failed: {type(error).__name__}: {error}")
        try:
            return body, json.loads(body)
        except ValueError as error:
            return Transient(f"malformed page, not valid JSON: {error}", rule="malformed_page")

    def get_page(self, url: str) -> tuple[bytes, object]:
        """The page's body and JSON document, retrying transient failures as described above."""
        return call_with_retries(
            lambda: self._attempt(url),
            url,
            max_retries=self.max_retries,
            backoff_seconds=self.backoff_seconds,
            max_wait_seconds=self.max_wait_seconds,
            sleep=self.sleep,
            error_type=TutoringSourceError,
            retries_setting="TUTORING_MAX_RETRIES",
        )

    def pages(self, endpoint: str, updated_since: str | None = None) -> Iterator[tuple[str, bytes]]:
        """Yield (url, body) for every page, checking each envelope on the way."""
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            url = self.page_url(endpoint, cursor, updated_since)
            body, document = self.get_page(url)
            cursor = check_page(document, url)
            yield url, body
            if cursor is None:
                return
            if cursor in seen_cursors:
                raise TutoringSourceError(
                    f"page {url} repeats cursor {cursor!r}; stopping",
                    rule="repeated_cursor",
                    source_file=url,
                )
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
