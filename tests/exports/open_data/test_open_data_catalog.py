"""The release's catalogs: data.json against the published DCAT-US 1.1 JSON Schema, and
datapackage.json's descriptive fields and table schemas."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from exports.open_data.datasets import DATASET_NAMES
from exports.open_data.metadata import DEFAULT_BASE_URL, PRIMARY_KEYS, data_json

SCHEMA_DIR = Path(__file__).parent / "schemas" / "dcat_us_1_1"
FEDERAL_ONLY = {"bureauCode", "programCode"}


def _absolute_uri(value: object) -> bool:
    """The schemas' `uri` format, read strictly: an absolute URL with a scheme and a host."""
    if not isinstance(value, str):
        return True
    parsed = urlparse(value)
    return bool(parsed.scheme and parsed.netloc) and " " not in value


def _validator() -> Draft4Validator:
    """The DCAT-US 1.1 catalog schema with its $refs resolved from the vendored files.

    Only bureauCode and programCode leave dataset.json's required list: DCAT-US requires them
    of federal agencies alone, and a school district has no OMB codes.
    """
    schemas = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in SCHEMA_DIR.glob("*.json")
    }
    dataset = schemas["dataset.json"]
    assert set(dataset["required"]) >= FEDERAL_ONLY
    dataset["required"] = [key for key in dataset["required"] if key not in FEDERAL_ONLY]
    registry = Registry().with_resources(
        (schema["id"].rstrip("#"), DRAFT4.create_resource(schema)) for schema in schemas.values()
    )
    checker = FormatChecker()
    checker.checks("uri")(_absolute_uri)
    return Draft4Validator(schemas["catalog.json"], registry=registry, format_checker=checker)


def _errors(catalog: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _validator().iter_errors(catalog)
    ]


def _catalog(released) -> dict:
    return json.loads((released.release_dir / "data.json").read_text(encoding="utf-8"))


def test_data_json_is_valid_dcat_us_1_1(released):
    catalog = _catalog(released)
    assert _errors(catalog) == []
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert [d["identifier"] for d in catalog["dataset"]] == [
        f"district-open-data-{name}" for name in DATASET_NAMES
    ]
    for dataset in catalog["dataset"]:
        assert dataset["accessLevel"] == "public"
        assert not FEDERAL_ONLY & set(dataset)
        assert dataset["publisher"] == {"@type": "org:Organization", "name": "District total"}
        assert dataset["contactPoint"]["hasEmail"].startswith("mailto:")
        assert dataset["spatial"] == "District total"


def test_every_download_url_is_absolute_and_names_a_released_file(released):
    base = f"{DEFAULT_BASE_URL}/releases/{released.version}/"
    catalog = _catalog(released)
    assert catalog["@id"] == f"{base}data.json"
    media_types = set()
    for dataset in catalog["dataset"]:
        assert dataset["describedBy"] == f"{base}data_dictionary.csv"
        assert {d["format"] for d in dataset["distribution"]} == {"CSV", "PARQUET"}
        for distribution in dataset["distribution"]:
            url = distribution["downloadURL"]
            assert url.startswith(base), url
            assert (released.release_dir / url.removeprefix(base)).is_file(), url
            media_types.add(distribution["mediaType"])
    assert media_types == {"text/csv", "application/vnd.apache.parquet"}


def test_yearly_datasets_say_the_school_years_they_cover(released):
    """The fixture's last year (2024-25) is counted through 19 November 2024."""
    by_name = {
        d["identifier"].removeprefix("district-open-data-"): d
        for d in _catalog(released)["dataset"]
    }
    for name in ("enrollment_by_group", "scorecard_measures", "district_measures"):
        assert by_name[name]["temporal"] == "2023-07-01/2024-11-19", name
    for name in ("school_directory", "student_groups", "measures"):
        assert "temporal" not in by_name[name]


def test_the_schema_rejects_what_dcat_us_forbids(released):
    """The check can fail: a relative download URL, a bare e-mail, another access level."""
    catalog = _catalog(released)
    broken = copy.deepcopy(catalog)
    broken["dataset"][0]["distribution"][0]["downloadURL"] = "data/school_directory.csv"
    broken["dataset"][1]["contactPoint"]["hasEmail"] = "opendata@district.org"
    broken["dataset"][2]["accessLevel"] = "open"
    del broken["dataset"][3]["publisher"]
    errors = _errors(broken)
    assert len(errors) == 4, errors
    # the distribution list is an anyOf (list or null): the error is reported on the list
    assert [e.split(":", 1)[0] for e in errors] == [
        "dataset/0/distribution",
        "dataset/1/contactPoint/hasEmail",
        "dataset/2/accessLevel",
        "dataset/3",
    ], errors


def test_catalog_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPEN_DATA_BASE_URL", "https://data.unified.k12.ca.us/open/")
    monkeypatch.setenv("OPEN_DATA_CONTACT_EMAIL", "opendata@unified.k12.ca.us")
    monkeypatch.setenv("OPEN_DATA_CONTACT_NAME", "Office of Data and Accountability")
    resources = [
        {"dataset": name, "path": f"data/{name}.csv", "format": "csv", "mediatype": "text/csv"}
        for name in DATASET_NAMES
    ]
    coverage = {"district_name": "Unified School District", "school_years": {}}
    catalog = data_json("v9", "2026-11-20", resources, coverage)
    assert _errors(catalog) == []
    first = catalog["dataset"][0]
    assert first["publisher"]["name"] == "Unified School District"
    assert first["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "Office of Data and Accountability",
        "hasEmail": "mailto:opendata@unified.k12.ca.us",
    }
    assert first["distribution"][0]["downloadURL"] == (
        "https://data.unified.k12.ca.us/open/releases/v9/data/school_directory.csv"
    )
    assert all("temporal" not in d for d in catalog["dataset"])
    monkeypatch.setenv("OPEN_DATA_BASE_URL", "data.unified.k12.ca.us")
    with pytest.raises(ValueError, match="absolute"):
        data_json("v9", "2026-11-20", resources, coverage)


def test_datapackage_describes_the_release_and_every_table(released):
    package = json.loads((released.release_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "district-open-data"
    assert package["description"].startswith("School- and district-level aggregates")
    assert datetime.fromisoformat(package["created"]).tzinfo is not None
    assert package["contributors"] == [
        {"title": "District total", "role": "publisher", "email": "opendata@localhost.localdomain"}
    ]
    assert package["sources"] and all(s["title"] for s in package["sources"])
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    names = {r["name"] for r in package["resources"]}
    assert len(names) == len(package["resources"])
    tables = {}
    for resource in package["resources"]:
        assert resource["path"] and resource["name"]
        assert (released.release_dir / resource["path"]).is_file()
        if resource["path"].endswith(".csv") and resource["path"].startswith("data/"):
            tables[Path(resource["path"]).stem] = resource
    assert sorted(tables) == sorted(DATASET_NAMES)
    for dataset, resource in tables.items():
        schema = resource["schema"]
        assert schema["fields"] and all(f["name"] and f["type"] for f in schema["fields"])
        assert schema["primaryKey"] == PRIMARY_KEYS[dataset]
        columns = {f["name"] for f in schema["fields"]}
        assert set(schema["primaryKey"]) <= columns
        for key in schema.get("foreignKeys", []):
            assert key["fields"] in columns
            assert key["reference"]["resource"] in names
    keys = {
        (dataset, k["fields"], k["reference"]["resource"])
        for dataset, resource in tables.items()
        for k in resource["schema"].get("foreignKeys", [])
    }
    assert ("scorecard_measures", "school_code", "school-directory-csv") in keys
    assert ("scorecard_measures", "measure", "measures-csv") in keys
    assert ("enrollment_by_group", "student_group", "student-groups-csv") in keys


def test_a_school_missing_from_the_directory_breaks_the_foreign_key(released, tmp_path):
    """Frictionless checks the keys: a scorecard row of a school the directory does not list
    (with the checksums left alone, so only the key can fail) is reported."""
    from frictionless import validate

    release = tmp_path / "release"
    shutil.copytree(released.release_dir, release)
    package_path = release / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    directory = release / "data" / "school_directory.csv"
    lines = directory.read_text(encoding="utf-8").splitlines(keepends=True)
    directory.write_text("".join(lines[:-1]), encoding="utf-8")  # drop the last school
    for resource in package["resources"]:
        if resource["path"] == "data/school_directory.csv":
            resource.pop("hash")
            resource.pop("bytes")
    package_path.write_text(json.dumps(package), encoding="utf-8")
    report = validate(str(package_path))
    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}
