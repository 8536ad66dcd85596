"""Retrying HTTP requests to a source API: one policy for the tutoring vendor and the Ed-Fi API.

A request is made by an `attempt` function that returns its result, or a `Transient` naming a
failure worth retrying (HTTP 429 and 5xx, timeouts, dropped connections, a body cut off in
transit) with the wait the server asked for, if any. `call_with_retries` waits
`backoff_seconds` × 2^n between attempts, or what `Retry-After` said (seconds or an HTTP date);
a wait longer than `max_wait_seconds` is reported rather than waited out. After `max_retries`
retries the source's error names the URL, the attempts, the setting that allows more, and the
last failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from ingestion.common.errors import SourceError

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Transient:
    """A failure worth retrying: what happened, and the wait the server asked for, if any."""

    failure: str
    retry_after: float | None = None
    rule: str = "retries_exhausted"


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: `120` or an HTTP date; None if absent/bad."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def call_with_retries(
    attempt: Callable[[], T | Transient],
    url: str,
    *,
    max_retries: int,
    backoff_seconds: float,
    max_wait_seconds: float,
    sleep: Callable[[float], None],
    error_type: type[SourceError],
    retries_setting: str,
) -> T:
    """The first result of `attempt` that is not a `Transient`; see the module docstring."""
    attempts = max_retries + 1
    for number in range(attempts):
        outcome = attempt()
        if not isinstance(outcome, Transient):
            return outcome
        if number == attempts - 1:
            raise error_type(
                f"GET {url} failed after {attempts} attempt(s) ({retries_setting}="
                f"{max_retries}); last failure: {outcome.failure}",
                rule=outcome.rule,
                source_file=url,
            )
        wait = outcome.retry_after
        if wait is None:
            wait = backoff_seconds * 2**number
        elif wait > max_wait_seconds:
            raise error_type(
                f"GET {url}: {outcome.failure} and Retry-After asks for {wait:.0f} s, "
                f"more than the {max_wait_seconds:.0f} s this client waits",
                rule="retry_after_too_long",
                source_file=url,
            )
        logger.warning("GET %s: %s; retry %d in %.2f s", url, outcome.failure, number + 1, wait)
        sleep(wait)
    raise AssertionError("unreachable")
