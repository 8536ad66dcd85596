"""Which school years of the previous release can be carried into the next one unchanged.

Every suppression rule works within one school year (groups add up within a school, schools
add up to the district for the same year), except derived measures that follow their base
measure's cell of the year before (SEL_FAVORABLE_GROWTH), and change levels and colours, which
are published only where the previous year's cell is. So the published rows of a school year
are a function of that year's input rows, the previous year's input rows (for those links), the
measure catalog, the policy and the code. When all of these are unchanged since the previous
release, the year's published rows are exactly what a build from nothing would publish, and
they are copied from the previous release instead of being computed again.

Inputs are compared by fingerprints computed inside DuckDB: per school year, the row count and
the sum of a 64-bit hash of every row's published input columns (order-independent, so a
rebuilt but identical mart matches). Everything global (code, DuckDB version, policy, catalog,
column types) goes into one digest per dataset group; any change there rebuilds every year.

The fingerprints describe unsuppressed data, so the state file is kept out of the release, in
`<out_dir>/.release_state/` (owner-only). Do not publish that folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from exports.open_data.datasets import (
    CATALOG_INPUT_COLUMNS,
    ENROLLMENT_INPUT_COLUMNS,
    GROUP_LABELS_TABLE,
    SCHOOL_NAME_INPUT_COLUMNS,
    SCORECARD_INPUT_COLUMNS,
)
from exports.open_data.policy import SuppressionPolicy
from warehouse.school_year import previous_school_year

STATE_DIR = ".release_state"
STATE_FILE = "state.json"
_STATE_FORMAT = 1
# Modules whose code decides what a release publishes: any edit to them rebuilds every year.
_METHOD_MODULES = ("datasets", "suppression", "policy", "reuse", "release")

# dataset group -> the released datasets it produces (one input mart per group)
GROUP_DATASETS: dict[str, tuple[str, ...]] = {
    "scorecard": ("scorecard_measures", "district_measures"),
    "enrollment": ("enrollment_by_group",),
}


@dataclass(frozen=True)
class GroupInputs:
    """Fingerprints of one dataset group's inputs in the warehouse."""

    global_key: str
    year_keys: dict[str, str]  # school_year -> key; whole years, sorted
    can_reuse: bool = True  # False when some row has no school year or links chain


@dataclass
class GroupPlan:
    """What a release does with one dataset group."""

    years: list[str]  # every school year, ascending
    global_key: str
    year_keys: dict[str, str]
    reused: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    previous: dict | None = None  # the group's entry in the previous state, when reusable

    @property
    def is_full_rebuild(self) -> bool:
        return not self.reused


def _code_digest() -> str:
    digest = hashlib.md5(usedforsecurity=False)
    here = Path(__file__).parent
    for module in _METHOD_MODULES:
        digest.update((here / f"{module}.py").read_bytes())
    return digest.hexdigest()


# Read when the modules are imported: the digest of the code that runs.
_CODE_DIGEST = _code_digest()


def method_digest() -> str:
    """Digest of the code that decides the published rows, and of the DuckDB version."""
    return f"{_CODE_DIGEST}:{duckdb.__version__}"


def policy_document(policy: SuppressionPolicy) -> dict:
    return {
        "min_n": policy.min_n,
        "coding_max_n": policy.coding_max_n,
        "coding_low_percent": policy.coding_low_percent,
        "coding_high_percent": policy.coding_high_percent,
        "exempt_areas": sorted(policy.exempt_areas),
        "non_additive_measures": sorted(policy.non_additive_measures),
        "linked_measures": {m: list(link) for m, link in sorted(policy.linked_measures.items())},
        "partition_sets": {s: list(ms) for s, ms in sorted(policy.partition_sets.items())},
    }


def _digest(*parts) -> str:
    return hashlib.md5(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8"), usedforsecurity=False
    ).hexdigest()


def _column_types(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list:
    return con.execute(
        """
        select column_name, data_type from information_schema.columns
        where table_catalog = 'wh' and table_schema = ? and table_name = ?
        order by ordinal_position
        """,
        [schema, table],
    ).fetchall()


def _table_digest(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> str:
    count, total = con.execute(
        f"select count(*), cast(sum(hash({', '.join(columns)})) as varchar) from {table}"
    ).fetchall()[0]
    return f"{count}:{total}"


def _year_digests(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> tuple[dict[str, str], bool]:
    """school_year -> 'rows:hash sum' over `columns`; and whether every row has a school year."""
    rows = con.execute(f"""
        select
            cast(school_year as varchar),
            count(*),
            cast(sum(hash({", ".join(columns)})) as varchar),
        from {table}
        group by 1
    """).fetchall()
    digests = {year: f"{count}:{total}" for year, count, total in rows if year is not None}
    return dict(sorted(digests.items())), len(digests) == len(rows)


def fingerprint_inputs(
    con: duckdb.DuckDBPyConnection, policy: SuppressionPolicy
) -> dict[str, GroupInputs]:
    """Fingerprints of the scorecard and enrollment inputs (the warehouse attached as `wh`)."""
    method = method_digest()
    policy_doc = policy_document(policy)
    scorecard_years, scorecard_whole = _year_digests(
        con, "wh.marts.school_scorecard", SCORECARD_INPUT_COLUMNS
    )
    # A base measure that is itself derived would need the previous year's flags as they stood
    # part-way through the links; rather than reason about that, such policies rebuild.
    is_chained = any(base in policy.linked_measures for base, _ in policy.linked_measures.values())
    # Change levels and colours are published only where the previous year's cell is (as are
    # measures linked to last year's base cell): a year's key holds the previous year's inputs.
    scorecard_keys = {
        year: f"{digest}|{scorecard_years.get(previous_school_year(year), '-')}"
        for year, digest in scorecard_years.items()
    }
    scorecard = GroupInputs(
        global_key=_digest(
            method,
            policy_doc,
            _table_digest(con, "wh.reference.measure_catalog", CATALOG_INPUT_COLUMNS),
            _table_digest(con, GROUP_LABELS_TABLE, ("code", "name")),
            _column_types(con, "marts", "school_scorecard"),
            _column_types(con, "reference", "measure_catalog"),
        ),
        year_keys=scorecard_keys,
        can_reuse=scorecard_whole and not is_chained,
    )
    enrollment_years, enrollment_whole = _year_digests(
        con, "wh.marts.enrollment_by_group", ENROLLMENT_INPUT_COLUMNS
    )
    enrollment = GroupInputs(
        global_key=_digest(
            method,
            policy_doc,
            _table_digest(con, "wh.marts.dim_schools", SCHOOL_NAME_INPUT_COLUMNS),
            _table_digest(con, GROUP_LABELS_TABLE, ("code", "name")),
            _column_types(con, "marts", "enrollment_by_group"),
            _column_types(con, "marts", "dim_schools"),
        ),
        year_keys=enrollment_years,
        can_reuse=enrollment_whole,
    )
    return {"scorecard": scorecard, "enrollment": enrollment}


def _state_path(out_dir: Path) -> Path:
    return out_dir / STATE_DIR / STATE_FILE


def read_state(out_dir: Path, previous_version: str | None) -> dict | None:
    """The state written with `previous_version`, if that is the release it describes."""
    if previous_version is None:
        return None
    try:
        state = json.loads(_state_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("format") != _STATE_FORMAT or state.get("release_version") != previous_version:
        return None
    return state


def file_stamp(path: Path) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _files_unchanged(release_dir: Path, recorded: dict, datasets: Sequence[str]) -> bool:
    """Whether the previous release's files of these datasets are still the ones recorded."""
    for dataset in datasets:
        for suffix in ("csv", "parquet"):
            name = f"data/{dataset}.{suffix}"
            entry = recorded.get(name)
            try:
                stamp = file_stamp(release_dir / name)
            except OSError:
                return False
            if entry is None or {k: entry.get(k) for k in stamp} != stamp:
                return False
    return True


def plan_groups(
    inputs: dict[str, GroupInputs], state: dict | None, previous_release_dir: Path | None
) -> dict[str, GroupPlan]:
    """Per dataset group: the school years to copy from the previous release and to build."""
    plans = {}
    for group, group_inputs in inputs.items():
        years = list(group_inputs.year_keys)
        plan = GroupPlan(years, group_inputs.global_key, group_inputs.year_keys)
        previous = (state or {}).get("groups", {}).get(group)
        if (
            group_inputs.can_reuse
            and previous is not None
            and previous_release_dir is not None
            and previous.get("global_key") == group_inputs.global_key
            and _files_unchanged(
                previous_release_dir, state.get("files", {}), GROUP_DATASETS[group]
            )
        ):
            plan.previous = previous
            for year in years:
                entry = previous.get("years", {}).get(year)
                if entry is not None and entry.get("key") == group_inputs.year_keys[year]:
                    plan.reused.append(year)
                else:
                    plan.rebuilt.append(year)
        else:
            plan.rebuilt = list(years)
        plans[group] = plan
    return plans


def align_plans(plans: dict[str, GroupPlan]) -> dict[str, GroupPlan]:
    """Rebuild a school year in every group when any group rebuilds it.

    The scorecard and enrolment datasets are suppressed as one problem (a count withheld in
    one is withheld in the other), so a year's published cells depend on both groups' inputs:
    a year is reused only where every group reuses it.
    """
    rebuilt = {year for plan in plans.values() for year in plan.rebuilt}
    for plan in plans.values():
        plan.rebuilt = [year for year in plan.years if year in rebuilt]
        plan.reused = [year for year in plan.years if year not in rebuilt]
    return plans


def joint_years(plans: dict[str, GroupPlan]) -> list[str] | None:
    """The school years the joint build stages (None: every year, nothing is reused)."""
    if all(plan.is_full_rebuild for plan in plans.values()):
        return None
    return sorted({year for plan in plans.values() for year in plan.rebuilt})


def write_state(out_dir: Path, state: dict) -> None:
    """Replace the state atomically; the folder and file are readable by the owner only."""
    state_dir = out_dir / STATE_DIR
    state_dir.mkdir(mode=0o700, exist_ok=True)
    os.chmod(state_dir, 0o700)
    writing = state_dir / f".{STATE_FILE}.{os.getpid()}"
    descriptor = os.open(writing, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"format": _STATE_FORMAT, **state}, handle)
    os.replace(writing, _state_path(out_dir))
