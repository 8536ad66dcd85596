"""Publish a release to a CKAN portal through the CKAN action API.

One CKAN dataset per released dataset (named `<CKAN_DATASET_PREFIX>-<dataset>`), each with four
resources: the CSV, the Parquet file, the data dictionary and the suppression notes. Publishing
is repeatable: an existing dataset is updated (package_show, then package_update with the shown
dict so its resources are kept) and existing resources, matched by name, are updated in place.

Configuration (environment): CKAN_URL (publishing is off when empty), CKAN_API_TOKEN,
CKAN_ORGANIZATION, CKAN_DATASET_PREFIX (default district-open-data), CKAN_RESOURCE_MODE
(`upload`, the default, sends the files; `url` registers links under OPEN_DATA_BASE_URL).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from exports.open_data.metadata import DATASET_DESCRIPTIONS, DATASET_TITLES
from exports.open_data.release import sha256_of

SUPPORTING_FILES = (
    ("data_dictionary.csv", "Data dictionary", "CSV"),
    ("suppression_notes.md", "Suppression notes", "Markdown"),
)


class CkanError(RuntimeError):
    """The CKAN API refused a call; the message carries CKAN's error object."""


@dataclass(frozen=True)
class CkanConfig:
    """Where and as whom to publish."""

    url: str
    api_token: str
    organization: str
    dataset_prefix: str = "district-open-data"
    resource_mode: str = "upload"
    base_url: str = ""

    @classmethod
    def from_env(cls) -> CkanConfig | None:
        """The configuration from the environment, or None when CKAN_URL is empty (off)."""
        url = os.environ.get("CKAN_URL", "").strip()
        if not url:
            return None
        config = cls(
            url=url.rstrip("/"),
            api_token=os.environ.get("CKAN_API_TOKEN", "").strip(),
            organization=os.environ.get("CKAN_ORGANIZATION", "").strip(),
            dataset_prefix=os.environ.get("CKAN_DATASET_PREFIX", "").strip()
            or "district-open-data",
            resource_mode=os.environ.get("CKAN_RESOURCE_MODE", "").strip() or "upload",
            base_url=os.environ.get("OPEN_DATA_BASE_URL", "").strip(),
        )
        if not config.api_token or not config.organization:
            raise CkanError("CKAN_URL is set but CKAN_API_TOKEN or CKAN_ORGANIZATION is empty")
        if config.resource_mode not in ("upload", "url"):
            raise CkanError(f"CKAN_RESOURCE_MODE must be upload or url, not {config.resource_mode}")
        if config.resource_mode == "url" and not config.base_url:
            raise CkanError("CKAN_RESOURCE_MODE=url needs OPEN_DATA_BASE_URL")
        return config


class CkanClient:
    """A small client for the CKAN action API (JSON calls and multipart uploads)."""

    def __init__(self, config: CkanConfig, timeout_seconds: float = 300):
        self.config = config
        self.timeout_seconds = timeout_seconds

    def _call(self, action: str, request: Request) -> dict:
        request.add_header("Authorization", self.config.api_token)
        request.add_header("Accept", "application/json")
        try:
            with urlopen(request, timeout=self.timeout_seconds) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            try:
                payload = json.loads(body)
            except json.JSONDecodeError:
                raise CkanError(f"{action}: HTTP {error.code}: {body[:500]}") from error
        if not payload.get("success"):
            raise CkanError(f"{action}: {json.dumps(payload.get('error'))}")
        return payload["result"]

    def _url(self, action: str) -> str:
        return f"{self.config.url}/api/3/action/{action}"

    def action(self, action: str, body: dict) -> dict:
        request = Request(
            self._url(action),
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        return self._call(action, request)

    def package_show(self, name: str) -> dict | None:
        """The dataset, or None when CKAN does not have it."""
        request = Request(f"{self._url('package_show')}?{urlencode({'id': name})}", method="GET")
        try:
            return self._call("package_show", request)
        except CkanError as error:
            if "Not Found" in str(error):
                return None
            raise

    def upload(self, action: str, fields: dict[str, str], file_path: Path) -> dict:
        """resource_create / resource_update with the file sent as multipart field `upload`."""
        boundary = f"----open-data-{uuid.uuid4().hex}"
        parts: list[bytes] = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        file_header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="{file_path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(file_header.encode())
        parts.append(file_path.read_bytes())
        parts.append(f"\r\n--{boundary}--\r\n".encode())
        request = Request(
            self._url(action),
            data=b"".join(parts),
            method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return self._call(action, request)


@dataclass
class PublishedDataset:
    """One CKAN dataset written by a publish run."""

    name: str
    package_id: str
    was_created: bool
    resource_ids: list[str]


def _dataset_files(dataset: str) -> list[tuple[str, str, str]]:
    title = DATASET_TITLES[dataset]
    return [
        (f"data/{dataset}.csv", f"{title} (CSV)", "CSV"),
        (f"data/{dataset}.parquet", f"{title} (Parquet)", "Parquet"),
        *SUPPORTING_FILES,
    ]


def _publish_dataset(
    client: CkanClient, release_dir: Path, version: str, dataset: str
) -> PublishedDataset:
    config = client.config
    name = f"{config.dataset_prefix}-{dataset}".lower().replace("_", "-")
    fields = {
        "name": name,
        "title": DATASET_TITLES[dataset],
        "notes": DATASET_DESCRIPTIONS[dataset]
        + " Every file comes with its data dictionary and suppression notes.",
        "owner_org": config.organization,
        "version": version,
        "license_id": "cc-by",
        "tags": [{"name": "education"}, {"name": "schools"}, {"name": "open-data"}],
    }
    existing = client.package_show(name)
    if existing is None:
        package = client.action("package_create", fields)
        was_created = True
    else:
        package = client.action("package_update", {**existing, **fields})
        was_created = False
    by_name = {r.get("name"): r for r in package.get("resources", [])}
    resource_ids = []
    for relative_path, resource_name, file_format in _dataset_files(dataset):
        path = release_dir / relative_path
        resource_fields = {
            "name": resource_name,
            "format": file_format,
            "description": f"Release {version}: {relative_path}",
            "hash": f"sha256:{sha256_of(path)}",
        }
        current = by_name.get(resource_name)
        if current is not None:
            action, resource_fields = "resource_update", {"id": current["id"], **resource_fields}
        else:
            action, resource_fields = (
                "resource_create",
                {"package_id": package["id"], **resource_fields},
            )
        if config.resource_mode == "url":
            base = config.base_url.rstrip("/")
            resource_fields["url"] = f"{base}/releases/{version}/{relative_path}"
            resource = client.action(action, resource_fields)
        else:
            resource = client.upload(action, resource_fields, path)
        resource_ids.append(resource["id"])
    return PublishedDataset(name, package["id"], was_created, resource_ids)


def publish_release(
    release_dir: str | Path, config: CkanConfig | None = None
) -> list[PublishedDataset]:
    """Publish every dataset of the release; returns [] when CKAN publishing is off."""
    config = config if config is not None else CkanConfig.from_env()
    if config is None:
        return []
    release_dir = Path(release_dir)
    version = json.loads((release_dir / "release.json").read_text(encoding="utf-8"))["version"]
    client = CkanClient(config)
    return [_publish_dataset(client, release_dir, version, dataset) for dataset in DATASET_TITLES]
