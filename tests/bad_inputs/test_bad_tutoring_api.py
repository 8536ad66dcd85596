"""The tutoring API misbehaving on purpose: retries, Retry-After, retry budget, bad pages,
impossible values, and the incremental cursor that only moves after a successful load."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fake_vendor import Fault, Vendor, day, session, start_vendor

from ingestion.common.cursors import read_cursor
from ingestion.tutoring import TutoringSourceError, load_tutoring
from ingestion.tutoring.client import retry_after_seconds

FIRST_PAGE = "/v1/sessions?page_size=2"


@pytest.fixture
def vendor():
    vendor = Vendor(
        records={
            "sessions": [session(1), session(2), session(3)],
            "acceleration_days": [day(1)],
        }
    )
    stop = start_vendor(vendor)
    yield vendor
    stop()


@pytest.fixture
def live(settings, vendor):
    """Settings for the local vendor with small pages, timeouts and backoffs."""
    return replace(
        settings,
        tutoring_api_url=vendor.url,
        tutoring_page_size=2,
        tutoring_timeout_seconds=0.3,
        tutoring_max_retries=2,
        tutoring_backoff_seconds=0.05,
    )


def session_rows(con):
    return con.execute(
        "select session_id, duration_minutes, status from raw.tutoring__sessions order by 1"
    ).fetchall()


def expect_failure_keeps_last_good(con, live, vendor, faults, rule):
    """Load once cleanly, queue `faults`, and check the next load fails leaving everything."""
    load_tutoring(con, live)
    before = session_rows(con)
    cursor = read_cursor(con, "tutoring", "sessions")
    vendor.records["sessions"].append(session(4, updated_at="2025-03-05T00:00:00Z"))
    vendor.faults.extend(faults)
    with pytest.raises(TutoringSourceError) as raised:
        load_tutoring(con, live)
    error = raised.value
    assert error.rule == rule, str(error)
    assert session_rows(con) == before
    assert read_cursor(con, "tutoring", "sessions") == cursor
    return error


def test_429_with_retry_after_seconds_is_waited_out(con, live, vendor):
    vendor.faults.append(Fault(FIRST_PAGE, status=429, headers={"Retry-After": "1"}))
    results = load_tutoring(con, live)
    assert results["tutoring__sessions"].rows_loaded == 3
    # the retry came after the 1 s asked for, not after the 0.05 s backoff
    assert vendor.requests[0][0] == vendor.requests[1][0] == FIRST_PAGE
    assert vendor.request_gaps()[0] >= 0.95


def test_429_with_retry_after_http_date_is_waited_out(con, live, vendor):
    # HTTP dates have whole seconds: now + 2 s truncated is at least 1 s away
    moment = datetime.now(UTC) + timedelta(seconds=2)
    vendor.faults.append(
        Fault(FIRST_PAGE, status=429, headers={"Retry-After": format_datetime(moment, True)})
    )
    load_tutoring(con, live)
    assert 0.95 <= vendor.request_gaps()[0] <= 3.0


def test_retry_after_parsing():
    now = datetime(2025, 3, 4, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Tue, 04 Mar 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Tue, 04 Mar 2025 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_503_then_ok_backs_off_exponentially(con, live, vendor):
    vendor.faults += [Fault(FIRST_PAGE, status=503), Fault(FIRST_PAGE, status=503)]
    results = load_tutoring(con, live)
    assert results["tutoring__sessions"].rows_read == 3
    # waits of 0.05 s then 0.1 s (0.05 × 2^0, 0.05 × 2^1) before the 2nd and 3rd attempts
    first_wait, second_wait = vendor.request_gaps()[:2]
    assert first_wait >= 0.05 and second_wait >= 0.1


def test_500_past_the_retry_budget_is_a_clear_error(con, live, vendor):
    # max_retries = 2: three attempts on page 2, all failing
    page_two = "cursor=2"
    error = expect_failure_keeps_last_good(
        con, live, vendor, [Fault(page_two, status=500) for _ in range(3)], "retries_exhausted"
    )
    url = f"{vendor.url}/v1/sessions?page_size=2&cursor=2"
    assert error.source_file.startswith(url)
    assert "failed after 3 attempt(s) (TUTORING_MAX_RETRIES=2)" in str(error)
    assert "HTTP 500" in str(error)


def test_a_hang_past_the_timeout_is_retried_then_a_clear_error(con, live, vendor):
    error = expect_failure_keeps_last_good(
        con,
        live,
        vendor,
        [Fault("/v1/sessions", hang_seconds=1.0) for _ in range(3)],
        "retries_exhausted",
    )
    assert "/v1/sessions?page_size=2" in error.source_file
    assert "timed out after 0.3 s" in str(error)


def test_a_malformed_page_is_retried_then_named(con, live, vendor):
    cut_off = b'{"data": [{"session_id": "TS0003", "student'
    error = expect_failure_keeps_last_good(
        con, live, vendor, [Fault("cursor=2", body=cut_off) for _ in range(3)], "malformed_page"
    )
    assert "cursor=2" in error.source_file
    assert "not valid JSON" in str(error)


def test_a_page_of_the_wrong_shape_fails_at_once(con, live, vendor):
    error = expect_failure_keeps_last_good(
        con,
        live,
        vendor,
        [Fault("cursor=2", body=b'{"data": {}, "meta": {}}')],
        "malformed_page",
    )
    assert "has no `data` array" in str(error)
    # no retry for a well-formed but wrong page: page 1 and page 2 once each in the 2nd run
    assert sum("cursor=2" in path for path, _ in vendor.requests) == 2


def test_404_is_not_retried(con, live, vendor):
    vendor.records.pop("acceleration_days")
    with pytest.raises(TutoringSourceError, match=r"tutoring \[http_error\] GET .* HTTP 404"):
        load_tutoring(con, live)
    assert sum("acceleration_days" in path for path, _ in vendor.requests) == 1


def test_negative_minutes_are_quarantined(con, live, vendor):
    vendor.records["sessions"][1] = session(2, duration_minutes=-30)
    result = load_tutoring(con, live)["tutoring__sessions"]
    # 3 read = 2 loaded + 1 quarantined
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute(
        "select rule, source_file, source_row, column_name, offending_value from raw._quarantine"
    ).fetchall() == [
        ("negative_minutes", f"{vendor.url}{FIRST_PAGE}", 2, "duration_minutes", "-30"),
    ]


def test_incremental_pull_uses_the_stored_cursor_and_merges(con, live, vendor):
    load_tutoring(con, live)
    # the newest updated_at of the first pull
    assert read_cursor(con, "tutoring", "sessions") == datetime(2025, 3, 4, tzinfo=UTC)

    # the vendor corrects TS0002 and adds TS0004, both later than the cursor
    vendor.records["sessions"][1] = session(
        2, status="no_show", duration_minutes=0, updated_at="2025-03-06T10:00:00Z"
    )
    vendor.records["sessions"].append(session(4, updated_at="2025-03-05T08:00:00+02:00"))
    vendor.requests.clear()
    results = load_tutoring(con, live)

    assert vendor.requests[0][0] == (
        "/v1/sessions?page_size=2&updated_since=2025-03-04T00%3A00%3A00Z"
    )
    # at or after the cursor: TS0001..3 (boundary, 2025-03-04) and TS0004 = 4 rows pulled again
    assert results["tutoring__sessions"].rows_read == 4
    assert session_rows(con) == [
        ("TS0001", 45, "completed"),
        ("TS0002", 0, "no_show"),
        ("TS0003", 45, "completed"),
        ("TS0004", 45, "completed"),
    ]
    assert read_cursor(con, "tutoring", "sessions") == datetime(2025, 3, 6, 10, tzinfo=UTC)

    # a pull with nothing new leaves the table and the cursor
    vendor.records["sessions"] = [session(2, updated_at="2025-03-06T10:00:00Z")]
    assert load_tutoring(con, live)["tutoring__sessions"].rows_read == 1
    assert len(session_rows(con)) == 4
    assert read_cursor(con, "tutoring", "sessions") == datetime(2025, 3, 6, 10, tzinfo=UTC)


def test_full_reload_when_incremental_loads_are_off(con, live, vendor):
    load_tutoring(con, live)
    vendor.requests.clear()
    load_tutoring(con, replace(live, is_incremental=False))
    assert "updated_since" not in vendor.requests[0][0]
