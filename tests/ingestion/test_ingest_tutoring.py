"""Tutoring: cursor pagination against a local server, saved pages, and malformed pages."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from ingest_fixture_files import write_text

from ingestion.tutoring import TutoringSourceError, load_tutoring


def session(number: int, **overrides) -> dict:
    record = {
        "session_id": f"TS{number:04d}",
        "student_id": f"S{number:07d}",
        "school_code": "1930001",
        "service_type": "High-Dose Tutoring",
        "subject": "MATH",
        "started_at": "2025-03-03T16:00:00Z",
        "duration_minutes": 45,
        "tutor_id": "TU01",
        "status": "completed",
        "updated_at": "2025-03-04T00:00:00Z",
    }
    return {**record, **overrides}


# Three session pages chained by cursor; record 4 has a non-integer duration.
SESSION_PAGES = {
    None: {"data": [session(1), session(2)], "meta": {"page": 1, "next_cursor": "c2"}},
    "c2": {
        "data": [session(3), session(4, duration_minutes="forty")],
        "meta": {"page": 2, "next_cursor": "c3"},
    },
    "c3": {
        "data": [session(5, status="no_show", duration_minutes=0)],
        "meta": {"page": 3, "next_cursor": None},
    },
}
DAY_PAGES = {
    None: {
        "data": [
            {
                "record_id": "A1",
                "student_id": "S0000001",
                "school_code": "1930001",
                "event_date": "2025-06-20",
                "hours_attended": 5.5,
                "updated_at": "2025-06-21T00:00:00Z",
            }
        ],
        "meta": {"page": 1, "next_cursor": None},
    },
}


class VendorHandler(BaseHTTPRequestHandler):
    requests_seen: list[tuple[str, str | None]] = []

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        url = urlparse(self.path)
        cursor = parse_qs(url.query).get("cursor", [None])[0]
        pages = {"/v1/sessions": SESSION_PAGES, "/v1/acceleration_days": DAY_PAGES}
        self.requests_seen.append((self.path, self.headers.get("Authorization")))
        page = pages.get(url.path, {}).get(cursor)
        if page is None:
            self.send_error(404)
            return
        body = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def vendor_url():
    VendorHandler.requests_seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), VendorHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_api_pages_are_followed_until_the_cursor_is_null(con, settings, vendor_url):
    live = replace(
        settings, tutoring_api_url=vendor_url, tutoring_api_token="t0ken", tutoring_page_size=2
    )
    results = load_tutoring(con, live)

    assert [path for path, _ in VendorHandler.requests_seen] == [
        "/v1/sessions?page_size=2",
        "/v1/sessions?page_size=2&cursor=c2",
        "/v1/sessions?page_size=2&cursor=c3",
        "/v1/acceleration_days?page_size=2",
    ]
    assert {auth for _, auth in VendorHandler.requests_seen} == {"Bearer t0ken"}
    sessions = results["tutoring__sessions"]
    # 2 + 2 + 1 = 5 records; TS0004's "forty" minutes is quarantined
    assert (sessions.rows_read, sessions.rows_loaded, sessions.rows_quarantined) == (5, 4, 1)
    rows = con.execute(
        "select session_id, duration_minutes, started_at, _source_file, _source_row "
        "from raw.tutoring__sessions order by session_id"
    ).fetchall()
    page = f"{vendor_url}/v1/sessions?page_size=2"
    started = datetime(2025, 3, 3, 16, tzinfo=UTC)
    assert rows == [
        ("TS0001", 45, started, page, 1),
        ("TS0002", 45, started, page, 2),
        ("TS0003", 45, started, f"{page}&cursor=c2", 1),
        ("TS0005", 0, started, f"{page}&cursor=c3", 1),
    ]
    assert con.execute(
        "select source_file, source_row, rule, offending_value from raw._quarantine"
    ).fetchall() == [(f"{page}&cursor=c2", 2, "invalid_integer", "forty")]
    assert con.execute(
        "select record_id, event_date, hours_attended from raw.tutoring__acceleration_days"
    ).fetchall() == [("A1", date(2025, 6, 20), 5.5)]


def test_saved_pages_are_read_in_page_order(con, settings):
    pages_dir = settings.tutoring_pages_dir
    # page 10 sorts before page 9 as text; page order must be numeric
    ordered = [SESSION_PAGES[None], SESSION_PAGES["c2"], SESSION_PAGES["c3"]]
    for number, page in zip((1, 9, 10), ordered, strict=True):
        write_text(pages_dir / "sessions" / f"page-{number:01d}.json", json.dumps(page))
    write_text(pages_dir / "acceleration_days" / "page-00001.json", json.dumps(DAY_PAGES[None]))

    results = load_tutoring(con, settings)

    assert results["tutoring__sessions"].files == (
        "tutoring/sessions/page-1.json",
        "tutoring/sessions/page-9.json",
        "tutoring/sessions/page-10.json",
    )
    rows = con.execute(
        "select session_id, _source_file, _source_row from raw.tutoring__sessions "
        "order by session_id"
    ).fetchall()
    assert rows == [
        ("TS0001", "tutoring/sessions/page-1.json", 1),
        ("TS0002", "tutoring/sessions/page-1.json", 2),
        ("TS0003", "tutoring/sessions/page-9.json", 1),
        ("TS0005", "tutoring/sessions/page-10.json", 1),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"data": [{"session_id": "TS1"},', "malformed"),
        ('{"meta": {"next_cursor": null}}', "no `data` array"),
    ],
)
def test_a_malformed_saved_page_is_named(con, settings, content, problem):
    pages_dir = settings.tutoring_pages_dir
    write_text(pages_dir / "sessions" / "page-00001.json", json.dumps(SESSION_PAGES[None]))
    write_text(pages_dir / "sessions" / "page-00002.json", content)
    with pytest.raises(
        TutoringSourceError,
        match=f"tutoring/sessions/page-00002.json.*{problem}"
        if problem == "malformed"
        else f"page-00002.json has {problem}",
    ):
        load_tutoring(con, settings)


def test_a_malformed_api_page_is_named(con, settings, vendor_url, monkeypatch):
    monkeypatch.setitem(SESSION_PAGES, "c3", {"data": "not a list", "meta": {}})
    live = replace(settings, tutoring_api_url=vendor_url, tutoring_page_size=2)
    with pytest.raises(TutoringSourceError, match=r"cursor=c3 has no `data` array"):
        load_tutoring(con, live)
