"""The CKAN publisher against a local stand-in for the CKAN action API that checks every call."""

from __future__ import annotations

import json
import threading
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from exports.open_data.ckan import CkanConfig, CkanError, publish_release
from exports.open_data.metadata import DATASET_TITLES

TOKEN = "test-token-123"
JSON_ACTIONS = {"package_create", "package_update"}
UPLOAD_ACTIONS = {"resource_create", "resource_update"}


class FakeCkan:
    """Keeps packages in memory, records every request and rejects malformed ones."""

    def __init__(self):
        self.packages: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.problems: list[str] = []
        self.fail_action: str | None = None

    def handle(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict]:
        parsed = urlparse(path)
        action = parsed.path.removeprefix("/api/3/action/")
        record = {"method": method, "action": action}
        self.requests.append(record)
        if not parsed.path.startswith("/api/3/action/"):
            self.problems.append(f"bad path {path}")
            return 404, {"success": False, "error": {"__type": "Not Found Error"}}
        if headers.get("Authorization") != TOKEN:
            self.problems.append(f"{action}: missing or wrong Authorization header")
            return 403, {"success": False, "error": {"__type": "Authorization Error"}}
        if action == self.fail_action:
            return 409, {
                "success": False,
                "error": {"__type": "Validation Error", "name": ["That URL is already in use."]},
            }
        if action == "package_show":
            if method != "GET":
                self.problems.append("package_show must be a GET")
            name = parse_qs(parsed.query)["id"][0]
            if name not in self.packages:
                return 404, {
                    "success": False,
                    "error": {"__type": "Not Found Error", "message": "Not found"},
                }
            return 200, {"success": True, "result": self.packages[name]}
        if method != "POST":
            self.problems.append(f"{action} must be a POST")
        if action in JSON_ACTIONS:
            if headers.get("Content-Type") != "application/json":
                self.problems.append(f"{action}: not JSON")
            payload = json.loads(body)
            record["body"] = payload
            for key in ("name", "title", "owner_org", "notes", "version"):
                if not payload.get(key):
                    self.problems.append(f"{action}: {key} missing")
            if action == "package_create":
                package = {**payload, "id": str(uuid.uuid4()), "resources": []}
            else:
                package = self.packages[payload["name"]]
                if payload.get("id") != package["id"]:
                    self.problems.append("package_update without the shown id")
                package.update({k: v for k, v in payload.items() if k != "resources"})
            self.packages[package["name"]] = package
            return 200, {"success": True, "result": package}
        if action in UPLOAD_ACTIONS:
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + headers.get("Content-Type", "").encode() + b"\r\n\r\n" + body
            )
            fields, files = {}, {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    files[name] = part.get_payload(decode=True)
                else:
                    fields[name] = part.get_content().strip()
            record["fields"], record["files"] = fields, files
            if "upload" not in files:
                self.problems.append(f"{action}: no file")
            if action == "resource_create":
                package = next(
                    (p for p in self.packages.values() if p["id"] == fields.get("package_id")),
                    None,
                )
                if package is None:
                    self.problems.append("resource_create for an unknown package")
                    return 404, {"success": False, "error": {"__type": "Not Found Error"}}
                resource = {**fields, "id": str(uuid.uuid4())}
                package["resources"].append(resource)
            else:
                resource = next(
                    (
                        r
                        for p in self.packages.values()
                        for r in p["resources"]
                        if r["id"] == fields.get("id")
                    ),
                    None,
                )
                if resource is None:
                    self.problems.append("resource_update for an unknown resource")
                    return 404, {"success": False, "error": {"__type": "Not Found Error"}}
                resource.update(fields)
            return 200, {"success": True, "result": resource}
        self.problems.append(f"unexpected action {action}")
        return 400, {"success": False, "error": {"__type": "Bad Request"}}


@pytest.fixture()
def fake_ckan():
    fake = FakeCkan()

    class Handler(BaseHTTPRequestHandler):
        def _respond(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = fake.handle(self.command, self.path, self.headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _respond
        do_POST = _respond

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


def _config(fake) -> CkanConfig:
    return CkanConfig(url=fake.url, api_token=TOKEN, organization="springfield-usd")


def test_first_publish_creates_datasets_and_uploads_every_file(released, fake_ckan):
    published = publish_release(released.release_dir, _config(fake_ckan))
    assert fake_ckan.problems == []
    assert [p.name for p in published] == [
        "district-open-data-school-directory",
        "district-open-data-student-groups",
        "district-open-data-measures",
        "district-open-data-enrollment-by-group",
        "district-open-data-scorecard-measures",
        "district-open-data-district-measures",
    ]
    assert all(p.was_created for p in published)
    # per dataset: package_show (404), package_create, 4 x resource_create
    expected = ["package_show", "package_create"] + ["resource_create"] * 4
    assert [r["action"] for r in fake_ckan.requests] == expected * len(DATASET_TITLES)
    create = fake_ckan.requests[1]["body"]
    assert create["owner_org"] == "springfield-usd"
    assert create["version"] == "2025.1"
    uploads = [r for r in fake_ckan.requests if r["action"] == "resource_create"]
    csv_upload = next(u for u in uploads if u["fields"]["name"] == "School directory (CSV)")
    expected_bytes = (released.release_dir / "data" / "school_directory.csv").read_bytes()
    assert csv_upload["files"]["upload"] == expected_bytes
    assert csv_upload["fields"]["format"] == "CSV"
    assert csv_upload["fields"]["hash"].startswith("sha256:")


def test_second_publish_updates_in_place(released, fake_ckan):
    first = publish_release(released.release_dir, _config(fake_ckan))
    fake_ckan.requests.clear()
    second = publish_release(released.release_dir, _config(fake_ckan))
    assert fake_ckan.problems == []
    expected = ["package_show", "package_update"] + ["resource_update"] * 4
    assert [r["action"] for r in fake_ckan.requests] == expected * len(DATASET_TITLES)
    assert [p.package_id for p in second] == [p.package_id for p in first]
    assert [p.resource_ids for p in second] == [p.resource_ids for p in first]
    assert not any(p.was_created for p in second)
    package = fake_ckan.packages["district-open-data-scorecard-measures"]
    assert len(package["resources"]) == 4


def test_url_mode_registers_links_instead_of_uploading(released, fake_ckan, monkeypatch):
    config = CkanConfig(
        url=fake_ckan.url,
        api_token=TOKEN,
        organization="springfield-usd",
        resource_mode="url",
        base_url="https://data.springfield.example/open",
    )
    calls = []
    original = fake_ckan.handle

    def record_json(method, path, headers, body):
        action = urlparse(path).path.rsplit("/", 1)[-1]
        if action == "resource_create":
            calls.append(json.loads(body))
            return 200, {"success": True, "result": {"id": str(uuid.uuid4())}}
        return original(method, path, headers, body)

    monkeypatch.setattr(fake_ckan, "handle", record_json)
    publish_release(released.release_dir, config)
    assert calls[0]["url"] == (
        "https://data.springfield.example/open/releases/2025.1/data/school_directory.csv"
    )


def test_ckan_errors_are_raised_with_the_reason(released, fake_ckan):
    fake_ckan.fail_action = "package_create"
    with pytest.raises(CkanError, match="already in use"):
        publish_release(released.release_dir, _config(fake_ckan))


def test_publishing_is_off_without_ckan_url(released, monkeypatch):
    monkeypatch.setenv("CKAN_URL", "")
    assert publish_release(released.release_dir) == []


def test_config_requires_token_and_organization(monkeypatch):
    monkeypatch.setenv("CKAN_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    monkeypatch.setenv("CKAN_ORGANIZATION", "org")
    with pytest.raises(CkanError, match="CKAN_API_TOKEN"):
        CkanConfig.from_env()
