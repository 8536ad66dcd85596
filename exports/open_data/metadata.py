"""Descriptions that travel with every release: the table schemas, the Frictionless data
package, the DCAT-US catalog, the data dictionary and the suppression notes.

One FIELD_DOCS table drives the Frictionless schemas, the dictionary CSV and its markdown, so the
three cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from exports.open_data.policy import (
    MULTI_GROUP_DIMENSIONS,
    TWO_CELL_GROUP_PARENTS,
    SuppressionPolicy,
)

DATASET_TITLES = {
    "school_directory": "School directory",
    "student_groups": "Student groups",
    "measures": "Measures",
    "enrollment_by_group": "Enrollment by student group",
    "scorecard_measures": "School scorecard measures",
    "district_measures": "District scorecard measures",
}
DATASET_DESCRIPTIONS = {
    "school_directory": "Public contact and grade-span information for every school.",
    "student_groups": (
        "The name and dimension (race/ethnicity, gender, program) of every student group code "
        "used in the other files."
    ),
    "measures": (
        "Every measure: its name, unit, whether higher or lower is better, the strategic-plan "
        "priority it reports on and what it measures, in plain words and as a rule."
    ),
    "enrollment_by_group": (
        "Census-day enrollment per school, school year and student group, with small counts "
        "suppressed."
    ),
    "scorecard_measures": (
        "Every scorecard measure per school, school year and student group, with small groups "
        "suppressed and extreme percentages of small groups top/bottom coded."
    ),
    "district_measures": (
        "Every scorecard measure for the district as a whole (school_code DISTRICT), with the "
        "same suppression as the school file."
    ),
}

_REASON_DOC = (
    "Why the cell is withheld: primary_n_below_<min_n>, complementary_group, "
    "complementary_school, complementary_band, top_coded, bottom_coded, linked_measure or "
    "same_population (withheld in another dataset of the release); empty when published"
)
REPORTING_STATUS_TEXT = {
    "reported": "reported",
    "not_reported": "not reported by the district (it does not collect the data)",
    "not_enough_history": "not enough history (needs more school years than are loaded)",
    "no_data": "no data in this release",
}
"""What the measures file's district_reporting and the measure files' reporting_status say."""
_REPORTING_DOC = (
    "reported; not_reported when the district does not collect the data the measure is "
    "computed from (n, numerator and value are empty, never zero; not a suppression); "
    "not_enough_history when the measure needs more school years than are loaded (growth "
    "from last year, staff retention, A-G completion over four years)"
)
_MEASURE_FIELDS = [
    ("school_year", "string", "School year, YYYY-YY (1 July to 30 June)"),
    (
        "school_code",
        "string",
        "The school's code as the district's SIS sends it; DISTRICT for the district total",
    ),
    ("school_name", "string", "School name"),
    ("measure", "string", "Measure code; see the measures section of the data dictionary"),
    ("measure_name", "string", "Measure name"),
    (
        "unit",
        "string",
        "Unit of value: percent (0-100), percent_change, points, ratio, index, count, "
        "minutes, dollars or days",
    ),
    (
        "higher_is_better",
        "boolean",
        "true when a higher value is better, false when lower is better; empty when neither",
    ),
    ("student_group", "string", "Student group code (ALL, race/ethnicity, gender, programs)"),
    ("student_group_name", "string", "Student group name (see student_groups)"),
    ("n", "integer", "Students in the group the measure is computed over; empty when withheld"),
    ("numerator", "number", "Students meeting the measure (rates only); empty when withheld"),
    ("value", "string", "The measure's value as a decimal number, or ≤5% / ≥95% when coded"),
    ("suppressed", "boolean", "true when the value (and possibly n) is withheld or coded"),
    ("suppression_reason", "string", _REASON_DOC),
    ("reporting_status", "string", _REPORTING_DOC),
    (
        "status_level",
        "string",
        "California School Dashboard status level (Very Low … Very High) where cut scores "
        "exist; empty when the value is withheld or coded",
    ),
    (
        "change_level",
        "string",
        "Dashboard change level from last year (Declined Significantly … Increased "
        "Significantly); empty unless this and last year's values are both published",
    ),
    (
        "color",
        "string",
        "Dashboard colour (Red, Orange, Yellow, Green, Blue) for groups of 30 or more "
        "students; empty unless this and last year's values are both published",
    ),
    ("target_value", "number", "The goal set for this school, group and measure"),
    ("target_school_year", "string", "The school year the goal is set for"),
    (
        "is_on_track",
        "boolean",
        "true when the value is at or better than where the goal's trajectory expects it "
        "this year; empty without a goal or when the value is withheld",
    ),
]
FIELD_DOCS: dict[str, list[tuple[str, str, str]]] = {
    "school_directory": [
        ("school_code", "string", "The school's code as the district's SIS sends it"),
        ("school_name", "string", "School name"),
        ("school_level", "string", "ES, MS or HS"),
        ("low_grade", "string", "Lowest grade served (TK, KN, 01 … 12)"),
        ("high_grade", "string", "Highest grade served"),
        ("street", "string", "Street address"),
        ("city", "string", "City"),
        ("state", "string", "State"),
        ("zip", "string", "ZIP code"),
        ("phone", "string", "School phone number"),
    ],
    "student_groups": [
        ("code", "string", "Student group code, as in the student_group column of the other files"),
        ("name", "string", "Student group name"),
        ("dimension", "string", "all, race_ethnicity, gender or program"),
        ("sort_order", "integer", "Position of the group in reports (ALL first)"),
    ],
    "measures": [
        ("measure_code", "string", "Measure code, as in the measure column of the measure files"),
        ("measure_name", "string", "Measure name"),
        ("area", "string", "Area: attendance, assessment, postsecondary, survey, workforce …"),
        ("unit", "string", "Unit of the values"),
        ("higher_is_better", "boolean", "true when higher is better, false when lower is"),
        ("plan_section", "string", "Strategic-plan priority the measure reports on, if any"),
        ("plan_priority", "integer", "Position among the priority measures (1 first)"),
        ("plain_description", "string", "What the measure tells a parent, in plain words"),
        ("description", "string", "The measure's rule"),
        (
            "district_reporting",
            "string",
            "Whether this district reports the measure: reported (in at least one school "
            "year), not_reported (the district does not collect the data it is computed "
            "from), not_enough_history (too few school years loaded) or no_data",
        ),
    ],
    "enrollment_by_group": [
        ("school_year", "string", "School year, YYYY-YY"),
        (
            "school_code",
            "string",
            "The school's code as the district's SIS sends it; DISTRICT for the district total",
        ),
        ("school_name", "string", "School name"),
        ("student_group", "string", "Student group code"),
        ("student_group_name", "string", "Student group name (see student_groups)"),
        ("n", "integer", "Students enrolled on census day; empty when withheld"),
        ("suppressed", "boolean", "true when n is withheld"),
        ("suppression_reason", "string", _REASON_DOC),
    ],
    "scorecard_measures": _MEASURE_FIELDS,
    "district_measures": _MEASURE_FIELDS,
}
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "enrollment_by_group": [("student_group", "student_groups", "code")],
    "scorecard_measures": [
        ("school_code", "school_directory", "school_code"),
        ("measure", "measures", "measure_code"),
        ("student_group", "student_groups", "code"),
    ],
    "district_measures": [
        ("measure", "measures", "measure_code"),
        ("student_group", "student_groups", "code"),
    ],
}
"""(column, referenced dataset, its column). enrollment_by_group has no school key: its
DISTRICT rows name no school of the directory."""
PRIMARY_KEYS = {
    "school_directory": ["school_code"],
    "student_groups": ["code"],
    "measures": ["measure_code"],
    "enrollment_by_group": ["school_year", "school_code", "student_group"],
    "scorecard_measures": ["school_year", "school_code", "measure", "student_group"],
    "district_measures": ["school_year", "school_code", "measure", "student_group"],
}


def table_schema(dataset: str, policy: SuppressionPolicy) -> dict:
    """Frictionless Table Schema, with the constraints the suppression rules guarantee."""
    reasons = [
        policy.primary_reason,
        "complementary_group",
        "complementary_school",
        "complementary_band",
        "top_coded",
        "bottom_coded",
        "linked_measure",
        "same_population",
    ]
    fields = []
    for name, field_type, description in FIELD_DOCS[dataset]:
        field: dict = {"name": name, "type": field_type, "description": description}
        if name == "suppression_reason":
            field["constraints"] = {"enum": reasons}
        elif name == "reporting_status":
            field["constraints"] = {"enum": ["reported", "not_reported", "not_enough_history"]}
        elif name == "district_reporting":
            field["constraints"] = {"enum": list(REPORTING_STATUS_TEXT)}
        elif name == "color":
            field["constraints"] = {"enum": ["Red", "Orange", "Yellow", "Green", "Blue"]}
        elif name == "n":
            field["constraints"] = {"minimum": 0}
        elif name == "value":
            field["constraints"] = {"pattern": r"-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?|[≤≥][0-9.]+%"}
        elif name == "school_code" and dataset == "school_directory":
            field["constraints"] = {"required": True, "unique": True}
        fields.append(field)
    schema = {"fields": fields, "primaryKey": PRIMARY_KEYS[dataset], "missingValues": [""]}
    if dataset in FOREIGN_KEYS:
        schema["foreignKeys"] = [
            {
                "fields": column,
                "reference": {"resource": resource_name(f"data/{target}.csv"), "fields": key},
            }
            for column, target, key in FOREIGN_KEYS[dataset]
        ]
    return schema


def resource_name(path: str) -> str:
    """The datapackage resource name of a release file: data/school_directory.csv ->
    school-directory-csv (Frictionless names are lower case, digits, -, _ and .)."""
    return Path(path).name.replace(".", "-").replace("_", "-")


def dictionary_rows(measures: list[dict]) -> list[dict]:
    """One row per dataset column, then one per measure (dataset = 'measure')."""
    rows = [
        {"dataset": dataset, "name": name, "type": field_type, "description": description}
        for dataset, fields in FIELD_DOCS.items()
        for name, field_type, description in fields
    ]
    rows += [
        {
            "dataset": "measure",
            "name": m["measure_code"],
            "type": m["unit"] or "",
            "description": f"{m['measure_name']} ({m['area']}): {m['description']}",
            "district_reporting": m.get("district_reporting") or "",
        }
        for m in measures
    ]
    return rows


def dictionary_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=["dataset", "name", "type", "description", "district_reporting"],
        restval="",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(rows: list[dict], version: str) -> str:
    lines = [f"# Data dictionary (release {version})", ""]
    for dataset, title in DATASET_TITLES.items():
        lines += [f"## {title} (`{dataset}`)", "", DATASET_DESCRIPTIONS[dataset], ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        lines += [
            f"| {r['name']} | {r['type']} | {_md_cell(r['description'])} |"
            for r in rows
            if r["dataset"] == dataset
        ]
        lines.append("")
    lines += [
        "## Measures",
        "",
        "Reported for this district: whether the district reports the measure. A measure",
        "whose data the district does not collect is published as rows with reporting_status",
        "`not_reported` and an empty value, never as zeros.",
        "",
        "| measure | unit | description | reported for this district |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['name']} | {r['type']} | {_md_cell(r['description'])} | "
        f"{_md_cell(REPORTING_STATUS_TEXT.get(r.get('district_reporting') or '', ''))} |"
        for r in rows
        if r["dataset"] == "measure"
    ]
    lines += ["", "## Student groups", ""]
    for dimension, groups in MULTI_GROUP_DIMENSIONS.items():
        lines.append(f"- {dimension}: {', '.join(groups)} (add up to ALL)")
    for group, parent in TWO_CELL_GROUP_PARENTS.items():
        lines.append(f"- {group}: yes/no group within {parent}")
    return "\n".join(lines) + "\n"


def suppression_notes(policy: SuppressionPolicy, reason_counts: dict[str, dict[str, int]]) -> str:
    """Markdown notes that ship with every release: the rules as applied, with counts."""
    low = f"{policy.coding_low_percent:g}"
    high = f"{policy.coding_high_percent:g}"
    exempt = ", ".join(sorted(policy.exempt_areas)) or "none"
    linked = ", ".join(f"{m} (from {b})" for m, (b, _) in sorted(policy.linked_measures.items()))
    bands = (
        "; ".join(
            f"{name} ({', '.join(measures)})"
            for name, measures in sorted(policy.partition_sets.items())
        )
        or "no measure sets (the rule is off in this release)"
    )
    lines = [
        "# Suppression notes",
        "",
        "Only school- and district-level aggregates are published: no student-level rows,",
        "names, birth dates or identifiers. Withheld cells are empty, never zero.",
        "",
        "## Rules applied to this release",
        "",
        f"1. **Primary suppression** (`{policy.primary_reason}`): a cell whose group has fewer "
        f"than {policy.min_n} students publishes n, numerator and value empty.",
        "2. **Complementary suppression across groups** (`complementary_group`): race/ethnicity "
        "groups and gender groups each add up to ALL within a school. Where one cell of such a "
        "set is withheld and the rest are published, the next smallest cell is withheld too. A "
        "yes/no group (EL, RFEP, SWD, SED, FY, HOM, HN, and FI within Asian) is withheld when "
        f"the students not in it number fewer than {policy.min_n}, since ALL minus the group "
        "would reveal them.",
        "3. **Complementary suppression across schools** (`complementary_school`): the schools "
        "add up to the DISTRICT row for the same measure, group and year; the same rule applies. "
        "Rules 2 and 3 repeat until nothing changes.",
        f"4. **Top and bottom coding** (`top_coded`, `bottom_coded`): a percent at or below "
        f"{low}% or at or above {high}% for a group with fewer than {policy.coding_max_n} "
        f"students is published as `≤{low}%` or `≥{high}%`; n stays, the numerator is withheld, "
        "and rules 2, 3 and 5 are applied to numerators (withholding the value only) so the "
        "coded numerator cannot be recovered either.",
        f"5. **Complementary suppression across bands** (`complementary_band`): {bands} "
        "each partition the same students, so for one school, year and group their numerators "
        "add up to the n they share. Where exactly one numerator of such a set is withheld "
        "(coded or suppressed) and n is published, the value of the next smallest band is "
        "withheld too (n stays). Rules 2, 3 and 5 repeat until nothing changes.",
        f"6. **Derived measures** (`linked_measure`): {linked or 'none'} are withheld wherever "
        "the cell they are computed from is withheld.",
        f"7. **Not subject to student-count suppression**: measures in the areas {exempt} "
        "(their n counts staff, positions or vacancies, not students), except staff breakdowns "
        "(rule 9). Tutoring count measures "
        "(sessions, acceleration-day participants and student-days) are treated as student "
        "counts: they are suppressed when the count of students behind them (n, or the count "
        "itself when n is empty) is small, and protected like any other cell.",
        "8. **One problem over the whole release** (`same_population`): a census-day "
        "enrolment and a measure's n for the same school, year and group often count the same "
        "students. A count withheld in one dataset is withheld in every other dataset wherever "
        "that dataset publishes a count within one of it for the same school, year and group "
        "(any measure, workforce measures over enrolled students included), and complementary "
        "suppression is solved again around it, until no dataset publishes a count another "
        "withholds.",
        f"9. **Staff breakdowns by race/ethnicity**: a group's staff count below {policy.min_n} "
        "is withheld (count, ratio and the row's staff total), with complementary suppression "
        "across the groups (they add up to the staff total) and across schools. The staff "
        "diversity summaries (Simpson index, diversity gap) are withheld wherever a group of "
        "the school's breakdown is, and a representation ratio (or the diversity gap) wherever "
        "the enrolment of the students it compares with is.",
        "",
        "## Example",
        "",
        "A school of 100 students has 3 Asian, 40 White and 57 Hispanic students. The Asian",
        f"cell (3 < {policy.min_n}) is withheld; 100 − 40 − 57 would give it back, so the next",
        "smallest cell (White, 40) is withheld as well. If that school is the only one with a",
        "withheld Asian cell, another school's Asian cell (the next smallest) is withheld so",
        "that the district Asian total cannot give it back.",
        "",
        "## Cells withheld in this release",
        "",
        "| dataset | reason | cells |",
        "|---|---|---|",
    ]
    for dataset, counts in reason_counts.items():
        for reason, count in sorted(counts.items()):
            lines.append(f"| {dataset} | {reason} | {count} |")
    lines += [
        "",
        "## Limits",
        "",
        "The rules stop recovery by exact subtraction within and across these sets. They do",
        "not bound what can be inferred from value ranges (a suppressed count is between 0 and",
        f"{policy.min_n - 1}).",
    ]
    return "\n".join(lines) + "\n"


DEFAULT_BASE_URL = "http://localhost:8000"
"""Where the demo serves the open-data folder:
`python -m http.server 8000 -d <outputs>/open_data`."""
DEFAULT_CONTACT_EMAIL = "opendata@localhost.localdomain"
"""The demo's contact address (this machine); a district sets OPEN_DATA_CONTACT_EMAIL."""
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_KNOWN_LICENSES = {
    DEFAULT_LICENSE: ("CC-BY-4.0", "Creative Commons Attribution 4.0"),
    "https://creativecommons.org/publicdomain/zero/1.0/": ("CC0-1.0", "CC0 1.0 Public Domain"),
    "https://opendatacommons.org/licenses/pddl/1-0/": ("PDDL-1.0", "ODC Public Domain Dedication"),
    "https://opendatacommons.org/licenses/by/1-0/": ("ODC-By-1.0", "ODC Attribution License"),
}
KEYWORDS = ["education", "schools", "K-12", "open data"]
SOURCE_TABLES = (
    "marts.school_scorecard",
    "marts.dim_schools",
    "marts.enrollment_by_group",
    "reference.measure_catalog",
    "reference.student_group_labels",
)
"""The warehouse tables a release reads (datapackage.json's sources)."""
_YEARLY_DATASETS = ("enrollment_by_group", "scorecard_measures", "district_measures")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass(frozen=True)
class CatalogSettings:
    """Who publishes the release and where it is served, from the environment.

    The publisher defaults to the district's name as the marts spell it (the DISTRICT rows of
    the scorecard, dbt var scorecard_district_name), so the catalog names the same district as
    the portal; the base URL and the contact default to the demo served on this machine.
    """

    base_url: str
    publisher: str
    contact_name: str
    contact_email: str
    license_url: str
    identifier_prefix: str

    @classmethod
    def from_env(cls, district_name: str) -> CatalogSettings:
        publisher = _env("OPEN_DATA_PUBLISHER", district_name)
        base_url = _env("OPEN_DATA_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"OPEN_DATA_BASE_URL must be an absolute http(s) URL: {base_url!r}")
        return cls(
            base_url=base_url,
            publisher=publisher,
            contact_name=_env("OPEN_DATA_CONTACT_NAME", f"{publisher} open data"),
            contact_email=_env("OPEN_DATA_CONTACT_EMAIL", DEFAULT_CONTACT_EMAIL),
            license_url=_env("OPEN_DATA_LICENSE", DEFAULT_LICENSE),
            identifier_prefix=_env("OPEN_DATA_IDENTIFIER_PREFIX", "district-open-data"),
        )

    def release_url(self, version: str, path: str) -> str:
        """The absolute URL of a release file; the same layout CKAN's `url` mode links to."""
        return f"{self.base_url}/releases/{version}/{path}"

    def license(self) -> dict:
        """The Frictionless license entry for license_url (name only where it is known)."""
        entry = {"path": self.license_url}
        if self.license_url in _KNOWN_LICENSES:
            name, title = _KNOWN_LICENSES[self.license_url]
            entry = {"name": name, "path": self.license_url, "title": title}
        return entry


def school_year_span(school_years: dict[str, dict]) -> str | None:
    """ISO 8601 interval from 1 July of the first school year to the day the last is counted
    through (30 June when it is complete), or None without school years."""
    if not school_years:
        return None
    first, last = min(school_years), max(school_years)
    start = f"{first[:4]}-07-01"
    end = school_years[last].get("counted_through") or f"{int(last[:4]) + 1}-06-30"
    return f"{start}/{end}"


def data_json(version: str, modified_date: str, resources: list[dict], coverage: dict) -> dict:
    """A DCAT-US 1.1 catalog of the release, every URL absolute (CatalogSettings.base_url).

    bureauCode and programCode are left out: DCAT-US requires them of federal agencies only
    (OMB Circular A-11 codes), and a school district has neither; the schema test removes just
    these two from the required fields. spatial is the district, temporal the school years the
    yearly files cover (the reference lists have none).
    """
    settings = CatalogSettings.from_env(coverage.get("district_name") or "District")
    dictionary_url = settings.release_url(version, "data_dictionary.csv")
    temporal = school_year_span(coverage.get("school_years") or {})

    datasets = []
    for dataset, title in DATASET_TITLES.items():
        files = [r for r in resources if r["dataset"] == dataset]
        entry = {
            "@type": "dcat:Dataset",
            "title": title,
            "description": DATASET_DESCRIPTIONS[dataset],
            "keyword": [*KEYWORDS, dataset.replace("_", " ")],
            "modified": modified_date,
            "publisher": {"@type": "org:Organization", "name": settings.publisher},
            "contactPoint": {
                "@type": "vcard:Contact",
                "fn": settings.contact_name,
                "hasEmail": f"mailto:{settings.contact_email}",
            },
            "identifier": f"{settings.identifier_prefix}-{dataset}",
            "accessLevel": "public",
            "license": settings.license_url,
            "spatial": settings.publisher,
            "describedBy": dictionary_url,
            "describedByType": "text/csv",
            "accrualPeriodicity": "R/P1D",
            "landingPage": settings.release_url(version, ""),
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "title": f"{title} ({f['format'].upper()})",
                    "downloadURL": settings.release_url(version, f["path"]),
                    "mediaType": f["mediatype"],
                    "format": f["format"].upper(),
                    "describedBy": dictionary_url,
                    "describedByType": "text/csv",
                }
                for f in files
            ],
            "version": version,
        }
        if dataset in _YEARLY_DATASETS and temporal:
            entry["temporal"] = temporal
        datasets.append(entry)
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": settings.release_url(version, "data.json"),
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": datasets,
    }


def write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
