"""Reading resources from an Ed-Fi ODS/API (Resources API v3: ODS/API 5 to 7, Data Standard 4/5).

- **Token**: OAuth2 client credentials, `POST {api}/oauth/token` with the key and secret as HTTP
  Basic credentials. The token is fetched before the first request, again when its
  `expires_in` is nearly spent, and once more when a request answers 401 (revoked or expired
  early); a second 401 is an error.
- **Paging**: `GET {api}/data/v3/ed-fi/{resource}?offset=…&limit=…&totalCount=true`; the first
  page's `Total-Count` header says how many records to fetch; without it, paging stops at the
  first page shorter than the limit.
- **Retries** (`common/http_retry.py`, as for the tutoring API): HTTP 429 and 5xx, timeouts,
  dropped connections and bodies that are not JSON are retried, waiting `backoff_seconds` × 2^n
  or what `Retry-After` says (a wait over `max_wait_seconds` is reported), up to `max_retries`.
- **Errors** (`SisSourceError`, naming the resource's URL): 401 (`unauthorized`: the
  credentials, or the token, are refused), 403 (`forbidden`: the key's claim set does not
  cover the resource), 404 (`not_found`: no such resource at this API, e.g. another Data
  Standard version), other 4xx (`http_error`), a body that is not a JSON array
  (`malformed_page`) and `retries_exhausted`.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

from ingestion.common.http_retry import Transient, call_with_retries, retry_after_seconds
from ingestion.sis.drops import SisSourceError

_REFUSED = {401: "unauthorized", 403: "forbidden", 404: "not_found"}


class _Expired(Exception):
    """A 401 on a resource request: fetch a new token and try once more."""


class EdfiApiClient:
    """Pages through ODS/API resources; see the module docstring."""

    def __init__(
        self,
        api_url: str,
        client_id: str,
        client_secret: str,
        page_size: int = 500,
        timeout_seconds: float = 30.0,
        max_retries: int = 5,
        backoff_seconds: float = 1.0,
        max_wait_seconds: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.page_size = page_size
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep
        self.clock = clock
        self._token: str | None = None
        self._token_expires = 0.0

    def resource_url(self, resource: str) -> str:
        return f"{self.api_url}/data/v3/ed-fi/{resource}"

    def available_change_versions(self) -> tuple[int, int] | None:
        """(oldest, newest) change version, or None when the API has no Change Queries."""
        url = f"{self.api_url}/changeQueries/v1/availableChangeVersions"
        try:
            _, document = self._get_json(url, "availableChangeVersions")
        except SisSourceError as error:
            if error.rule == "not_found":
                return None
            raise
        try:
            return int(document["oldestChangeVersion"]), int(document["newestChangeVersion"])
        except (KeyError, TypeError, ValueError) as error:
            raise SisSourceError(
                f"{url} did not return oldestChangeVersion and newestChangeVersion",
                rule="malformed_page",
                source_file=url,
            ) from error

    def records(
        self,
        resource: str,
        changes: tuple[int, int] | None = None,
        deletes: bool = False,
    ) -> Iterator[dict]:
        """Every record of a resource, in the API's order, page after page.

        `changes` = (min, max) change version asks for the records changed in that range
        (Change Queries); with `deletes`, the records deleted in it (`{resource}/deletes`).
        """
        base = self.resource_url(resource) + ("/deletes" if deletes else "")
        offset, total = 0, None
        while total is None or offset < total:
            query = {"offset": offset, "limit": self.page_size, "totalCount": "true"}
            if changes is not None:
                query["minChangeVersion"], query["maxChangeVersion"] = changes
            url = f"{base}?{urllib.parse.urlencode(query)}"
            headers, page = self._get_json(url, resource)
            if not isinstance(page, list) or not all(isinstance(r, dict) for r in page):
                raise SisSourceError(
                    f"{resource}: {url} did not return a JSON array of records",
                    rule="malformed_page",
                    source_file=url,
                )
            if total is None:
                header = headers.get("Total-Count")
                total = int(header) if header and header.strip().isdigit() else None
            yield from page
            offset += len(page)
            if total is None and len(page) < self.page_size or not page:
                return

    def _get_json(self, url: str, resource: str) -> tuple[dict, object]:
        try:
            return self._with_retries(lambda: self._attempt(url, resource), url)
        except _Expired:
            self._token = None
            try:
                return self._with_retries(lambda: self._attempt(url, resource), url)
            except _Expired as error:
                raise SisSourceError(
                    f"{resource}: GET {url} answered 401 Unauthorized with a new token",
                    rule="unauthorized",
                    source_file=url,
                ) from error

    def _bearer(self) -> str:
        if self._token is None or self.clock() >= self._token_expires:
            self._fetch_token()
        return self._token

    def _fetch_token(self) -> None:
        url = f"{self.api_url}/oauth/token"
        credentials = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )

        def attempt():
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                if error.code == 429 or error.code >= 500:
                    return Transient(
                        f"HTTP {error.code}", retry_after_seconds(error.headers.get("Retry-After"))
                    )
                raise SisSourceError(
                    f"token request to {url} refused: HTTP {error.code} {error.reason} "
                    "(check EDFI_CLIENT_ID and EDFI_CLIENT_SECRET)",
                    rule="unauthorized",
                    source_file=url,
                ) from error
            except (
                TimeoutError,
                urllib.error.URLError,
                http.client.HTTPException,
                OSError,
            ) as error:
                return Transient(f"connection failed: {error}")
            try:
                document = json.loads(body)
                return {}, (str(document["access_token"]), float(document.get("expires_in", 0)))
            except (ValueError, KeyError, TypeError) as error:
                raise SisSourceError(
                    f"token response from {url} has no access_token",
                    rule="malformed_page",
                    source_file=url,
                ) from error

        _, (token, expires_in) = self._with_retries(attempt, url)
        self._token = token
        # Renew a little before the server would: a request must not start on a dying token.
        self._token_expires = (
            self.clock() + max(0.0, expires_in - 30.0) if expires_in else float("inf")
        )

    def _attempt(self, url: str, resource: str) -> tuple[dict, object] | Transient:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "Authorization": f"Bearer {self._bearer()}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                headers, body = dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            if error.code == 401 and self._token is not None:
                raise _Expired() from error
            if error.code == 429 or error.code >= 500:
                return Transient(
                    f"HTTP {error.code} {error.reason}",
                    retry_after_seconds(error.headers.get("Retry-After")),
                )
            raise SisSourceError(
                f"{resource}: GET {url} failed: HTTP {error.code} {error.reason}",
                rule=_REFUSED.get(error.code, "http_error"),
                source_file=url,
            ) from error
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            return Transient(f"connection failed: {type(error).__name__}: {error}")
        try:
            return headers, json.loads(body)
        except ValueError as error:
            return Transient(f"body is not valid JSON: {error}", rule="malformed_page")

    def _with_retries(self, attempt: Callable[[], object], url: str):
        return call_with_retries(
            attempt,
            url,
            max_retries=self.max_retries,
            backoff_seconds=self.backoff_seconds,
            max_wait_seconds=self.max_wait_seconds,
            sleep=self.sleep,
            error_type=SisSourceError,
            retries_setting="EDFI_MAX_RETRIES",
        )
