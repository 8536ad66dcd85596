"""A local tutoring vendor API on 127.0.0.1 that misbehaves on request.

It serves the contract's cursor pages (`meta.next_cursor` is the next offset), filters by
`updated_since` (at or after), and before answering normally consumes the first queued fault
whose text occurs in the request path: an HTTP status with headers, a hang, or a raw body.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


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


def day(number: int, **overrides) -> dict:
    record = {
        "record_id": f"A{number}",
        "student_id": f"S{number:07d}",
        "school_code": "1930001",
        "event_date": "2025-06-20",
        "hours_attended": 5.5,
        "updated_at": "2025-06-21T00:00:00Z",
    }
    return {**record, **overrides}


@dataclass
class Fault:
    """What to do instead of answering, once, for the first request whose path has `match`."""

    match: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hang_seconds: float = 0.0
    body: bytes | None = None


@dataclass
class Vendor:
    url: str = ""
    records: dict[str, list[dict]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, float]] = field(default_factory=list)

    def request_gaps(self) -> list[float]:
        """Seconds between consecutive requests, as the server saw them."""
        times = [t for _, t in self.requests]
        return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]

    def page(self, path: str) -> dict | None:
        url = urlparse(path)
        endpoint = url.path.removeprefix("/v1/")
        if endpoint not in self.records:
            return None
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        rows = self.records[endpoint]
        if "updated_since" in query:
            since = datetime.fromisoformat(query["updated_since"])
            rows = [r for r in rows if datetime.fromisoformat(r["updated_at"]) >= since]
        offset, size = int(query.get("cursor", 0)), int(query["page_size"])
        following = offset + size
        return {
            "data": rows[offset:following],
            "meta": {
                "page_size": size,
                "total": len(rows),
                "next_cursor": str(following) if following < len(rows) else None,
            },
        }


def start_vendor(vendor: Vendor):
    """Serve `vendor` on a free port; returns the stop function."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server dispatches to
            vendor.requests.append((self.path, time.monotonic()))
            fault = next((f for f in vendor.faults if f.match in self.path), None)
            if fault is not None:
                vendor.faults.remove(fault)
                if fault.hang_seconds:
                    time.sleep(fault.hang_seconds)
                    return
                if fault.status is not None:
                    self.send_response(fault.status)
                    for name, value in fault.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(fault.body or b"")
                return
            page = vendor.page(self.path)
            if page is None:
                self.send_error(404)
                return
            self._send(json.dumps(page).encode())

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    vendor.url = f"http://127.0.0.1:{server.server_address[1]}"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return stop
