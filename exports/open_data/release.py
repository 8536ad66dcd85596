"""Write a versioned, checksummed open-data release folder and move it into place atomically.

Layout under out_dir:

    releases/<version>/data/<dataset>.csv|.parquet
    releases/<version>/datapackage.json, data.json, data_dictionary.md|.csv,
                       suppression_notes.md, release.json, SHA256SUMS
    releases/latest -> <version>        (symlink)
    latest.json                          ({"version": ..., "path": ...})

A release is built in a hidden temporary folder next to its final place and renamed only when
every file is written, so readers never see half a release. Earlier releases are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from exports.open_data.datasets import DATASET_NAMES, build_datasets
from exports.open_data.metadata import (
    DATASET_TITLES,
    data_json,
    dictionary_csv,
    dictionary_markdown,
    dictionary_rows,
    suppression_notes,
    table_schema,
    write_json,
)
from exports.open_data.policy import SuppressionPolicy

_VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CHECKSUM_FILE = "SHA256SUMS"


@dataclass
class ReleaseResult:
    """What a release wrote, for the orchestrator's metadata and logs."""

    version: str
    release_dir: Path
    files: list[str]
    row_counts: dict[str, int]
    reason_counts: dict[str, dict[str, int]]
    elapsed_seconds: float
    previous_version: str | None = None
    sizes_bytes: dict[str, int] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_latest_version(out_dir: Path) -> str | None:
    pointer = Path(out_dir) / "latest.json"
    if not pointer.exists():
        return None
    return json.loads(pointer.read_text(encoding="utf-8"))["version"]


def _export_tables(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[dict]:
    resources = []
    for dataset in DATASET_NAMES:
        csv_path = data_dir / f"{dataset}.csv"
        parquet_path = data_dir / f"{dataset}.parquet"
        con.execute(f"copy {dataset} to '{csv_path}' (format csv, header true, delimiter ',')")
        con.execute(f"copy {dataset} to '{parquet_path}' (format parquet, compression zstd)")
        resources.append(
            {
                "dataset": dataset,
                "path": f"data/{dataset}.csv",
                "format": "csv",
                "mediatype": "text/csv",
            }
        )
        resources.append(
            {
                "dataset": dataset,
                "path": f"data/{dataset}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
            }
        )
    return resources


def _measure_catalog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute("""
        select measure_code, measure_name, area, unit, description
        from wh.reference.measure_catalog order by measure_code
    """).fetchall()
    keys = ("measure_code", "measure_name", "area", "unit", "description")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _datapackage(
    version: str, release_dir: Path, resources: list[dict], policy: SuppressionPolicy
) -> dict:
    package_resources = []
    for resource in resources:
        path = release_dir / resource["path"]
        entry = {
            "name": Path(resource["path"]).name.replace(".", "-").replace("_", "-"),
            "path": resource["path"],
            "format": resource["format"],
            "mediatype": resource["mediatype"],
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": f"sha256:{sha256_of(path)}",
        }
        dataset = resource.get("dataset")
        if dataset:
            entry["title"] = f"{DATASET_TITLES[dataset]} ({resource['format'].upper()})"
        if resource["format"] == "csv" and dataset:
            entry["type"] = "table"
            entry["profile"] = "tabular-data-resource"
            entry["dialect"] = {"delimiter": ",", "header": True}
            entry["schema"] = table_schema(dataset, policy)
        else:
            entry["type"] = "file"
            entry.pop("encoding")
        package_resources.append(entry)
    return {
        "name": "district-open-data",
        "title": "District open data",
        "version": version,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": package_resources,
    }


def _write_checksums(release_dir: Path) -> list[str]:
    files = sorted(
        p.relative_to(release_dir).as_posix()
        for p in release_dir.rglob("*")
        if p.is_file() and p.name != CHECKSUM_FILE
    )
    lines = [f"{sha256_of(release_dir / name)}  {name}" for name in files]
    (release_dir / CHECKSUM_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return files + [CHECKSUM_FILE]


def verify_checksums(release_dir: Path) -> list[str]:
    """Return the files whose SHA-256 does not match SHA256SUMS (empty when all match)."""
    release_dir = Path(release_dir)
    mismatched = []
    for line in (release_dir / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines():
        expected, name = line.split("  ", 1)
        target = release_dir / name
        if not target.is_file() or sha256_of(target) != expected:
            mismatched.append(name)
    return mismatched


def _point_latest(out_dir: Path, version: str) -> None:
    releases_dir = out_dir / "releases"
    link_tmp = releases_dir / f".latest-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(version, target_is_directory=True)
    os.replace(link_tmp, releases_dir / "latest")
    pointer_tmp = out_dir / f".latest-{os.getpid()}.json"
    write_json(pointer_tmp, {"version": version, "path": f"releases/{version}"})
    os.replace(pointer_tmp, out_dir / "latest.json")


def build_release(
    warehouse_path: str | Path,
    out_dir: str | Path,
    min_n: int | None = None,
    release_version: str | None = None,
    policy: SuppressionPolicy | None = None,
) -> ReleaseResult:
    """Build the privacy-safe open-data release from the warehouse into out_dir.

    min_n defaults to OPEN_DATA_MIN_N or 10; release_version defaults to the UTC time
    (YYYYMMDDTHHMMSSZ). An existing version is never overwritten. A district whose rules are
    not expressible in the environment (extra partition sets) passes its own policy instead.
    """
    started = time.monotonic()
    if policy is not None and min_n is not None:
        raise ValueError("pass min_n inside the policy, not next to it")
    policy = policy or SuppressionPolicy.from_env(min_n=min_n)
    now = datetime.now(UTC)
    version = release_version or now.strftime("%Y%m%dT%H%M%SZ")
    if not _VERSION_PATTERN.match(version) or version == "latest":
        raise ValueError(f"release version {version!r} is not a safe folder name")
    out_dir = Path(out_dir)
    releases_dir = out_dir / "releases"
    releases_dir.mkdir(parents=True, exist_ok=True)
    final_dir = releases_dir / version
    if final_dir.exists():
        raise FileExistsError(f"release {version} already exists at {final_dir}")
    previous_version = read_latest_version(out_dir)

    work_dir = releases_dir / f".tmp-{version}-{os.getpid()}"
    shutil.rmtree(work_dir, ignore_errors=True)
    (work_dir / "data").mkdir(parents=True)
    try:
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        try:
            con.execute(f"set temp_directory = '{work_dir / '.spill'}'")
            con.execute("attach ? as wh (read_only)", [str(warehouse_path)])
            build = build_datasets(con, policy)
            resources = _export_tables(con, work_dir / "data")
            measures = _measure_catalog(con)
        finally:
            con.close()
        shutil.rmtree(work_dir / ".spill", ignore_errors=True)

        reason_counts = {
            "scorecard": build.scorecard_stats.reason_counts,
            "enrollment_by_group": build.enrollment_stats.reason_counts,
        }
        rows = dictionary_rows(measures)
        (work_dir / "data_dictionary.csv").write_text(dictionary_csv(rows), encoding="utf-8")
        (work_dir / "data_dictionary.md").write_text(
            dictionary_markdown(rows, version), encoding="utf-8"
        )
        (work_dir / "suppression_notes.md").write_text(
            suppression_notes(policy, reason_counts), encoding="utf-8"
        )
        documents = [
            {"path": "data_dictionary.csv", "format": "csv", "mediatype": "text/csv"},
            {"path": "data_dictionary.md", "format": "md", "mediatype": "text/markdown"},
            {"path": "suppression_notes.md", "format": "md", "mediatype": "text/markdown"},
        ]
        write_json(
            work_dir / "datapackage.json",
            _datapackage(version, work_dir, resources + documents, policy),
        )
        write_json(work_dir / "data.json", data_json(version, now.date().isoformat(), resources))
        write_json(
            work_dir / "release.json",
            {
                "version": version,
                "created_at": now.isoformat(),
                "previous_version": previous_version,
                "row_counts": build.row_counts,
                "suppressed_cells": reason_counts,
                "policy": {
                    "min_n": policy.min_n,
                    "coding_max_n": policy.coding_max_n,
                    "coding_low_percent": policy.coding_low_percent,
                    "coding_high_percent": policy.coding_high_percent,
                    "exempt_areas": sorted(policy.exempt_areas),
                    "partition_sets": {
                        name: list(measures)
                        for name, measures in sorted(policy.partition_sets.items())
                    },
                },
            },
        )
        files = _write_checksums(work_dir)
        os.rename(work_dir, final_dir)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    _point_latest(out_dir, version)
    return ReleaseResult(
        version=version,
        release_dir=final_dir,
        files=files,
        row_counts=build.row_counts,
        reason_counts=reason_counts,
        elapsed_seconds=round(time.monotonic() - started, 3),
        previous_version=previous_version,
        sizes_bytes={name: (final_dir / name).stat().st_size for name in files},
    )
