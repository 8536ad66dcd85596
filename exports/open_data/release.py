"""Write a versioned, checksummed open-data release folder and move it into place atomically.

Layout under out_dir:

    releases/<version>/data/<dataset>.csv|.parquet
    releases/<version>/datapackage.json, data.json, data_dictionary.md|.csv,
                       suppression_notes.md, release.json, SHA256SUMS
    releases/latest -> <version>        (symlink)
    latest.json                          ({"version": ..., "path": ...})
    .release_state/state.json            (what the next release may reuse; never publish it)

A release is built in a hidden temporary folder next to its final place and renamed only when
every file is written, so readers never see half a release. Releases are never modified; the
oldest are removed beyond the number kept (OPEN_DATA_KEEP_RELEASES, default 14), never the latest.

School years whose inputs are unchanged since the previous release are copied from it (see
reuse.py): their rows are read from its Parquet files and their CSV lines copied byte for byte,
so a release is the same, byte for byte in its CSV files, as one built from nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from exports.open_data.coverage import release_coverage
from exports.open_data.datasets import (
    DATASET_NAMES,
    build_directory_dataset,
    build_group_labels_dataset,
    build_joint_datasets,
    build_measures_dataset,
)
from exports.open_data.metadata import (
    DATASET_DESCRIPTIONS,
    DATASET_TITLES,
    KEYWORDS,
    SOURCE_TABLES,
    CatalogSettings,
    data_json,
    dictionary_csv,
    dictionary_markdown,
    dictionary_rows,
    resource_name,
    school_year_span,
    suppression_notes,
    table_schema,
    write_json,
)
from exports.open_data.policy import SuppressionPolicy
from exports.open_data.public_modes import PUBLIC_DIR_MODE, make_world_readable
from exports.open_data.reuse import (
    GROUP_DATASETS,
    GroupPlan,
    align_plans,
    file_stamp,
    fingerprint_inputs,
    joint_years,
    plan_groups,
    read_state,
    write_state,
)
from warehouse.connection import duckdb_limits
from warehouse.school_year import previous_school_year
from warehouse.sql import quote_literal

_VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CHECKSUM_FILE = "SHA256SUMS"
KEEP_RELEASES_DEFAULT = 14
_COPY_BLOCK = 1 << 22


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
    # dataset group ("scorecard", "enrollment") -> school years built / copied unchanged
    years_rebuilt: dict[str, list[str]] = field(default_factory=dict)
    years_reused: dict[str, list[str]] = field(default_factory=dict)
    removed_releases: list[str] = field(default_factory=list)


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


def keep_releases_from_env() -> int:
    """OPEN_DATA_KEEP_RELEASES: how many releases to keep, the latest included (0 keeps all)."""
    raw = os.environ.get("OPEN_DATA_KEEP_RELEASES", "").strip()
    keep = int(raw) if raw else KEEP_RELEASES_DEFAULT
    if keep < 0:
        raise ValueError(f"OPEN_DATA_KEEP_RELEASES must be 0 (keep all) or more, got {keep}")
    return keep


def _resources() -> list[dict]:
    resources = []
    for dataset in DATASET_NAMES:
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


def _copy_csv(con: duckdb.DuckDBPyConnection, query: str, path: Path, header: bool) -> None:
    con.execute(
        f"copy ({query}) to {quote_literal(path)} "
        f"(format csv, header {'true' if header else 'false'}, delimiter ',')"
    )


def _copy_parquet(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    con.execute(f"copy ({query}) to {quote_literal(path)} (format parquet, compression zstd)")


class _FileWriter:
    """Writes a file from byte ranges of other files, hashing it on the way."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def append_range(self, source: Path, start: int = 0, length: int | None = None) -> int:
        """Append `length` bytes of `source` from `start` (the rest when None); return them."""
        copied = 0
        with source.open("rb") as handle:
            handle.seek(start)
            while length is None or copied < length:
                block = handle.read(
                    _COPY_BLOCK if length is None else min(_COPY_BLOCK, length - copied)
                )
                if not block:
                    break
                self.handle.write(block)
                self.digest.update(block)
                copied += len(block)
        if length is not None and copied != length:
            raise OSError(f"{source} is shorter than recorded ({copied} of {length} bytes)")
        self.size += copied
        return copied

    def close(self) -> str:
        self.handle.close()
        return self.digest.hexdigest()


def _copy_parquet_on_cursor(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    cursor = con.cursor()
    try:
        _copy_parquet(cursor, query, path)
    finally:
        cursor.close()


def _link_previous(previous_dir: Path, work_dir: Path, name: str) -> None:
    try:
        os.link(previous_dir / name, work_dir / name)
    except OSError:
        shutil.copy2(previous_dir / name, work_dir / name)


def _write_group(
    con: duckdb.DuckDBPyConnection,
    plan: GroupPlan,
    datasets: tuple[str, ...],
    previous: tuple[Path, dict] | None,
    work_dir: Path,
    sha256s: dict[str, str],
    parquet_writer: ThreadPoolExecutor,
    parquet_jobs: list[Future],
) -> dict[str, dict]:
    """Write the CSV and Parquet files of a group's datasets, year by year in order, from the
    freshly built tables (`<dataset>`) and, for reused years, the previous release
    (`previous`: its folder and the state's record of its files).

    A dataset with every year reused is the previous release's file, byte for byte: it is
    linked. Parquet files are written on `parquet_writer` while the CSV files are assembled.
    Returns, per school year, the state entry the next release needs: the CSV byte range of
    each dataset's rows of that year and their row count.
    """
    years: dict[str, dict] = {year: {"csv": {}, "rows": {}} for year in plan.years}
    previous_years = plan.previous["years"] if plan.previous else {}
    previous_dir, previous_files = previous or (None, {})
    scratch = work_dir / ".scratch"
    scratch.mkdir(exist_ok=True)
    for dataset in datasets:
        csv_name, parquet_name = f"data/{dataset}.csv", f"data/{dataset}.parquet"
        recorded = [previous_files.get(name, {}).get("sha256") for name in (csv_name, parquet_name)]
        if plan.previous and not plan.rebuilt and all(recorded):
            for name, sha256 in zip((csv_name, parquet_name), recorded, strict=True):
                _link_previous(previous_dir, work_dir, name)
                sha256s[name] = sha256
            for year in plan.years:
                years[year]["csv"][dataset] = previous_years[year]["csv"][dataset]
                years[year]["rows"][dataset] = previous_years[year]["rows"][dataset]
            continue
        # Per year, the query giving its published rows, in file order. UNION ALL keeps its
        # inputs' order (DuckDB's documented order preservation): the Parquet file holds the
        # same rows in the same order as one built from nothing. It is written on the second
        # cursor while this one assembles the CSV file.
        sources = [
            f"select * from read_parquet({quote_literal(previous_dir / parquet_name)}) "
            f"where school_year = {quote_literal(year)}"
            if year in plan.reused
            else f"select * from {dataset} where school_year = {quote_literal(year)}"
            for year in plan.years
        ]
        query = " union all ".join(sources) if plan.reused else f"select * from {dataset}"
        parquet_jobs.append(
            parquet_writer.submit(_copy_parquet_on_cursor, con, query, work_dir / parquet_name)
        )
        header = scratch / f"{dataset}.header.csv"
        _copy_csv(con, f"select * from {dataset} limit 0", header, header=True)
        writer = _FileWriter(work_dir / csv_name)
        writer.append_range(header)
        for year, source in zip(plan.years, sources, strict=True):
            if year in plan.reused:
                start, length = previous_years[year]["csv"][dataset]
                writer.append_range(previous_dir / csv_name, start, length)
                rows = previous_years[year]["rows"][dataset]
            else:
                chunk = scratch / f"{dataset}.{year}.csv"
                _copy_csv(con, source, chunk, header=False)
                length = writer.append_range(chunk)
                rows = con.execute(f"select count(*) from ({source})").fetchall()[0][0]
            years[year]["csv"][dataset] = [writer.size - length, length]
            years[year]["rows"][dataset] = rows
        sha256s[csv_name] = writer.close()
    return years


def _previous_year_cells(
    con: duckdb.DuckDBPyConnection, plan: GroupPlan, previous_dir: Path | None
) -> str | None:
    """The cells of the years before rebuilt years, where those years are reused, as the
    previous release published them (its `suppressed` is the cell's hidden value): derived
    measures follow their base cells there, change levels and colours the cells themselves."""
    needed = sorted({previous_school_year(year) for year in plan.rebuilt} & set(plan.reused))
    if not needed or previous_dir is None:
        return None
    files = ", ".join(
        quote_literal(previous_dir / "data" / f"{dataset}.parquet")
        for dataset in GROUP_DATASETS["scorecard"]
    )
    con.execute(f"""
        create or replace temp table _previous_year_cells as
        select school_year, school_code, student_group, measure, suppressed as hidden_value,
        from read_parquet([{files}])
        where school_year in ({", ".join(quote_literal(y) for y in needed)})
    """)
    return "_previous_year_cells"


def _sum_reasons(
    plan: GroupPlan, built: dict[str, dict[str, int]]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Reason counts over the whole group, and per year (reused years from the state)."""
    by_year = {}
    for year in plan.years:
        if year in plan.reused:
            by_year[year] = dict(plan.previous["years"][year]["reasons"])
        else:
            by_year[year] = dict(built.get(year, {}))
    totals: dict[str, int] = {}
    for counts in by_year.values():
        for reason, cells in counts.items():
            totals[reason] = totals.get(reason, 0) + cells
    return dict(sorted(totals.items())), by_year


def _measure_catalog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The released measures (the `measures` table built for this release), by code."""
    rows = con.execute("""
        select measure_code, measure_name, area, unit, description, district_reporting
        from measures order by measure_code
    """).fetchall()
    keys = ("measure_code", "measure_name", "area", "unit", "description", "district_reporting")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _sha256(release_dir: Path, name: str, sha256s: dict[str, str]) -> str:
    """The file's SHA-256, computed once per release (the data files' while writing them)."""
    if name not in sha256s:
        sha256s[name] = sha256_of(release_dir / name)
    return sha256s[name]


def _datapackage(
    version: str,
    created_at: str,
    release_dir: Path,
    resources: list[dict],
    policy: SuppressionPolicy,
    sha256s: dict[str, str],
    coverage: dict,
) -> dict:
    """The Frictionless data package: every file with its size and hash, every CSV with its
    table schema (types, primary key, keys into the school, group and measure lists)."""
    settings = CatalogSettings.from_env(coverage.get("district_name") or "District")
    package_resources = []
    for resource in resources:
        path = release_dir / resource["path"]
        entry = {
            "name": resource_name(resource["path"]),
            "path": resource["path"],
            "format": resource["format"],
            "mediatype": resource["mediatype"],
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": f"sha256:{_sha256(release_dir, resource['path'], sha256s)}",
        }
        dataset = resource.get("dataset")
        if dataset:
            entry["title"] = f"{DATASET_TITLES[dataset]} ({resource['format'].upper()})"
            entry["description"] = DATASET_DESCRIPTIONS[dataset]
        if resource["format"] == "csv" and dataset:
            entry["type"] = "table"
            entry["profile"] = "tabular-data-resource"
            entry["dialect"] = {"delimiter": ",", "header": True}
            entry["schema"] = table_schema(dataset, policy)
        else:
            entry["type"] = "file"
            entry.pop("encoding")
        package_resources.append(entry)
    span = school_year_span(coverage.get("school_years") or {})
    covered = f", covering {span.replace('/', ' to ')}" if span else ""
    return {
        "name": "district-open-data",
        "title": f"{settings.publisher} open data",
        "description": (
            f"School- and district-level aggregates published by {settings.publisher}"
            f"{covered}: the school directory, student groups, measures, enrollment and the "
            "scorecard measures, with small groups suppressed (see suppression_notes.md) and "
            "every column described in data_dictionary.md."
        ),
        "version": version,
        "created": created_at,
        "homepage": settings.release_url(version, ""),
        "keywords": KEYWORDS,
        "contributors": [
            {
                "title": settings.publisher,
                "role": "publisher",
                "email": settings.contact_email,
            }
        ],
        "sources": [{"title": f"{settings.publisher} data warehouse ({', '.join(SOURCE_TABLES)})"}],
        "licenses": [settings.license()],
        "resources": package_resources,
    }


def _write_checksums(release_dir: Path, sha256s: dict[str, str]) -> list[str]:
    files = sorted(
        p.relative_to(release_dir).as_posix()
        for p in release_dir.rglob("*")
        if p.is_file() and p.name != CHECKSUM_FILE
    )
    lines = [f"{_sha256(release_dir, name, sha256s)}  {name}" for name in files]
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
    """Point `releases/latest` and latest.json at `version`, each swapped in one rename.

    A copy of the output folder that followed symlinks (cp -rL, some backup tools) leaves a
    real folder named `latest`, which a rename cannot replace. `latest` is never a version
    (build_release refuses the name), so that folder only duplicates a release: it is moved
    aside, the link takes its place, and the copy is deleted.
    """
    releases_dir = out_dir / "releases"
    latest = releases_dir / "latest"
    link_tmp = releases_dir / f".latest-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(version, target_is_directory=True)
    copied = None
    if latest.is_dir() and not latest.is_symlink():
        copied = releases_dir / f".latest-copy-{os.getpid()}"
        os.replace(latest, copied)
    os.replace(link_tmp, latest)
    if copied is not None:
        shutil.rmtree(copied)
    pointer_tmp = out_dir / f".latest-{os.getpid()}.json"
    write_json(pointer_tmp, {"version": version, "path": f"releases/{version}"})
    os.replace(pointer_tmp, out_dir / "latest.json")
    make_world_readable(out_dir / "latest.json")
    for folder in (out_dir, releases_dir):
        os.chmod(folder, PUBLIC_DIR_MODE)


def prune_releases(out_dir: Path, keep: int) -> list[str]:
    """Remove the oldest releases beyond the newest `keep` (0 keeps all); never the latest.

    Releases are ordered by the creation time in their release.json (the folder's modification
    time when it has none), so custom version names order correctly too. Returns the versions
    removed.
    """
    if keep <= 0:
        return []
    releases_dir = out_dir / "releases"
    latest = read_latest_version(out_dir)
    found = []
    for folder in releases_dir.iterdir():
        if (
            folder.name.startswith(".")
            or folder.name == "latest"
            or folder.is_symlink()
            or not folder.is_dir()
        ):
            continue
        try:
            created = json.loads((folder / "release.json").read_text(encoding="utf-8"))[
                "created_at"
            ]
        except (OSError, ValueError, KeyError):
            created = datetime.fromtimestamp(folder.stat().st_mtime, UTC).isoformat()
        found.append((created, folder.name))
    found.sort()
    removed = []
    for _, version in found[: max(len(found) - keep, 0)]:
        if version == latest:
            continue
        shutil.rmtree(releases_dir / version)
        removed.append(version)
    return removed


def build_release(
    warehouse_path: str | Path,
    out_dir: str | Path,
    min_n: int | None = None,
    release_version: str | None = None,
    policy: SuppressionPolicy | None = None,
    keep_releases: int | None = None,
) -> ReleaseResult:
    """Build the privacy-safe open-data release from the warehouse into out_dir.

    min_n defaults to OPEN_DATA_MIN_N or 10; release_version defaults to the UTC time
    (YYYYMMDDTHHMMSSZ). An existing version is never overwritten. A district whose rules are
    not expressible in the environment (extra partition sets) passes its own policy instead.
    keep_releases (default OPEN_DATA_KEEP_RELEASES or 14; 0 keeps all) bounds the releases
    kept once this one is in place.
    """
    started = time.monotonic()
    if policy is not None and min_n is not None:
        raise ValueError("pass min_n inside the policy, not next to it")
    policy = policy or SuppressionPolicy.from_env(min_n=min_n)
    keep = keep_releases_from_env() if keep_releases is None else keep_releases
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
    previous_dir = releases_dir / previous_version if previous_version else None

    work_dir = releases_dir / f".tmp-{version}-{os.getpid()}"
    shutil.rmtree(work_dir, ignore_errors=True)
    (work_dir / "data").mkdir(parents=True)
    sha256s: dict[str, str] = {}
    try:
        con = duckdb.connect(config=duckdb_limits())
        con.execute("set enable_progress_bar = false")
        # Files are written in the order rows were staged (school year first).
        con.execute("set preserve_insertion_order = true")
        try:
            con.execute(f"set temp_directory = '{work_dir / '.spill'}'")
            con.execute("attach ? as wh (read_only)", [str(warehouse_path)])
            state = read_state(out_dir, previous_version)
            plans = align_plans(plan_groups(fingerprint_inputs(con, policy), state, previous_dir))
            scorecard, enrollment = plans["scorecard"], plans["enrollment"]
            previous_cells = _previous_year_cells(con, scorecard, previous_dir)
            scorecard_build, enrollment_build = build_joint_datasets(
                con,
                policy,
                joint_years(plans),
                previous_cells,
                previous_cells,
            )
            whole_rows = {
                "school_directory": build_directory_dataset(con),
                "student_groups": build_group_labels_dataset(con),
                "measures": build_measures_dataset(con),
            }
            data_dir = work_dir / "data"
            for name in whole_rows:
                _copy_csv(con, f"select * from {name}", data_dir / f"{name}.csv", True)
                _copy_parquet(con, f"select * from {name}", data_dir / f"{name}.parquet")
            previous = (previous_dir, state.get("files", {})) if state else None
            parquet_jobs: list[Future] = []
            with ThreadPoolExecutor(max_workers=1) as parquet_writer:
                try:
                    group_years = {
                        group: _write_group(
                            con,
                            plans[group],
                            GROUP_DATASETS[group],
                            previous,
                            work_dir,
                            sha256s,
                            parquet_writer,
                            parquet_jobs,
                        )
                        for group in ("scorecard", "enrollment")
                    }
                    measures = _measure_catalog(con)
                    coverage = release_coverage(con)
                finally:
                    for job in parquet_jobs:
                        job.exception()
                for job in parquet_jobs:
                    job.result()
        finally:
            con.close()
        shutil.rmtree(work_dir / ".spill", ignore_errors=True)
        shutil.rmtree(work_dir / ".scratch", ignore_errors=True)

        scorecard_reasons, scorecard_reasons_by_year = _sum_reasons(
            scorecard, scorecard_build.reason_counts_by_year
        )
        enrollment_reasons, enrollment_reasons_by_year = _sum_reasons(
            enrollment, enrollment_build.reason_counts_by_year
        )
        reason_counts = {
            "scorecard": scorecard_reasons,
            "enrollment_by_group": enrollment_reasons,
        }
        for group, by_year in (
            ("scorecard", scorecard_reasons_by_year),
            ("enrollment", enrollment_reasons_by_year),
        ):
            for year, counts in by_year.items():
                group_years[group][year]["reasons"] = counts
        row_counts = dict(whole_rows)
        for group in ("scorecard", "enrollment"):
            for dataset in GROUP_DATASETS[group]:
                row_counts[dataset] = sum(
                    entry["rows"][dataset] for entry in group_years[group].values()
                )
        row_counts = {name: row_counts[name] for name in DATASET_NAMES}
        resources = _resources()
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
            _datapackage(
                version,
                now.isoformat(),
                work_dir,
                resources + documents,
                policy,
                sha256s,
                coverage,
            ),
        )
        write_json(
            work_dir / "data.json",
            data_json(version, now.date().isoformat(), resources, coverage),
        )
        write_json(
            work_dir / "release.json",
            {
                "version": version,
                "created_at": now.isoformat(),
                "previous_version": previous_version,
                **coverage,
                "row_counts": row_counts,
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
        files = _write_checksums(work_dir, sha256s)
        make_world_readable(work_dir)
        os.rename(work_dir, final_dir)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    _point_latest(out_dir, version)
    # The state describes the release `latest` points to, and is only used for that one: until
    # it is replaced here it describes the previous release, which the next run then ignores.
    write_state(
        out_dir,
        {
            "release_version": version,
            "files": {
                name: {**file_stamp(final_dir / name), "sha256": sha256s[name]}
                for name in (
                    f"data/{dataset}.{suffix}"
                    for dataset in DATASET_NAMES
                    for suffix in ("csv", "parquet")
                )
            },
            "groups": {
                group: {
                    "global_key": plans[group].global_key,
                    "years": {
                        year: {"key": plans[group].year_keys[year], **entry}
                        for year, entry in group_years[group].items()
                    },
                }
                for group in ("scorecard", "enrollment")
            },
        },
    )
    removed = prune_releases(out_dir, keep)
    return ReleaseResult(
        version=version,
        release_dir=final_dir,
        files=files,
        row_counts=row_counts,
        reason_counts=reason_counts,
        elapsed_seconds=round(time.monotonic() - started, 3),
        previous_version=previous_version,
        sizes_bytes={name: (final_dir / name).stat().st_size for name in files},
        years_rebuilt={group: list(plan.rebuilt) for group, plan in plans.items()},
        years_reused={group: list(plan.reused) for group, plan in plans.items()},
        removed_releases=removed,
    )
