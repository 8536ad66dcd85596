"""A rule that fails on student rows leaves no student value outside the restricted layer.

The tiny district runs end to end with one planted WARN failure the loader accepts: a tutoring
session naming a student the SIS does not have (a cross-source reference, which only the quality
suite checks). Its example row goes to the restricted `raw._check_failures` table; the Dagster
event log and every file the run writes that another account could read must hold no student
id, state id, name or birth date, and the public release must be world-readable.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest
from dagster._serdes import serialize_value

from quality.check_failures import CHECK_FAILURES_TABLE

PLANTED_STUDENT = "S0999991"
DEMO_SEED = 20261120


def _generate_with_planted_session(sources: Path) -> None:
    """The tiny demo's sources, with the first tutoring session moved to an unknown student.

    The marker file says the demo asset's request is already on disk, so the run keeps them.
    """
    from synthetic_district import DEFAULT_AS_OF, generate_district

    result = generate_district("tiny", sources, seed=DEMO_SEED, as_of=DEFAULT_AS_OF)
    request = {"profile": "tiny", "seed": DEMO_SEED, "as_of": DEFAULT_AS_OF.isoformat()}
    summary = {"seconds": 0.0, "bytes": result.bytes_written, "row_counts": dict(result.rows)}
    (sources / ".generated.json").write_text(json.dumps({"request": request, "summary": summary}))
    page = sources / "tutoring" / "sessions" / "page-00001.json"
    body = json.loads(page.read_text())
    body["data"][0]["student_id"] = PLANTED_STUDENT
    page.write_text(json.dumps(body))


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory, full_refresh_runner):
    root = tmp_path_factory.mktemp("planted_warning")
    _generate_with_planted_session(root / "sources")
    return full_refresh_runner(root, {"DEMO_SEED": str(DEMO_SEED)})


def _identifying_values(warehouse: Path) -> set[str]:
    """Every student's ids, full name and birth date, as text a log line or file would hold."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select student_id, state_student_id, first_name || ' ' || last_name, "
            "cast(birth_date as varchar) from raw.sis__students"
        ).fetchall()
    finally:
        con.close()
    values = {PLANTED_STUDENT}
    for student_id, state_id, full_name, birth_date in rows:
        values |= {v for v in (student_id, state_id, full_name, birth_date) if v}
    return values


def _warning_check(result):
    evaluations = [
        event.asset_check_evaluation_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
        and event.asset_check_evaluation_data.asset_key.path[-1] == "tutoring__sessions"
        and event.asset_check_evaluation_data.check_name == "gx_contract_suite"
    ]
    assert len(evaluations) == 1
    return evaluations[0]


def test_the_planted_warning_is_reported_with_a_pointer_and_the_run_publishes(planted_run):
    result = planted_run.result
    assert result.success, [e.message for e in result.all_events if e.is_failure][:5]
    check = _warning_check(result)
    assert not check.passed
    assert check.severity.value == "WARN"
    assert check.metadata["failure_examples_table"].value == CHECK_FAILURES_TABLE
    assert check.metadata["failure_examples_stored"].value >= 1


def test_the_example_row_is_kept_in_the_restricted_check_failures_table(planted_run):
    con = duckdb.connect(str(planted_run.warehouse_path), read_only=True)
    try:
        examples = con.execute(
            f"select rule, severity, example_json from {CHECK_FAILURES_TABLE} "
            "where checked_table = 'raw.tutoring__sessions'"
        ).fetchall()
    finally:
        con.close()
    assert [(rule, severity) for rule, severity, _ in examples] == [
        ("every student_id exists in raw.sis__students", "WARN")
    ]
    assert json.loads(examples[0][2])["student_id"] == PLANTED_STUDENT


def test_the_event_log_holds_no_student_value(planted_run):
    values = _identifying_values(planted_run.warehouse_path)
    assert len(values) > 100
    log = "\n".join(serialize_value(event) for event in planted_run.result.all_events)
    found = sorted(value for value in values if value in log)
    assert found == [], f"student values in the Dagster event log: {found[:5]}"


def _written_files(root: Path):
    for folder in ("outputs", "dagster_home"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def test_no_file_another_account_can_read_holds_a_student_value(planted_run):
    values = _identifying_values(planted_run.warehouse_path)
    readable = [
        path
        for path in _written_files(planted_run.root)
        if path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH)
    ]
    assert any("open_data" in path.parts for path in readable)
    leaks = []
    for path in readable:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        leaks += [(str(path), value) for value in values if value in text]
    assert leaks == [], f"student values in readable files: {leaks[:5]}"


def test_the_quality_results_are_owner_only_and_the_public_release_world_readable(planted_run):
    outputs = planted_run.outputs_dir
    quality_files = [p for p in (outputs / "quality").rglob("*") if p.is_file()]
    assert quality_files
    assert {stat.S_IMODE(p.stat().st_mode) for p in quality_files} == {0o600}
    # Hidden folders are the release's own state (what the next release reuses), owner-only.
    public = [
        path
        for path in [outputs / "open_data", *(outputs / "open_data").rglob("*")]
        if not path.is_symlink()
        and not any(part.startswith(".") for part in path.relative_to(outputs).parts)
    ]
    assert public
    modes = {(p.is_dir(), stat.S_IMODE(p.stat().st_mode)) for p in public}
    assert modes <= {(True, 0o755), (False, 0o644)}, sorted(modes)
