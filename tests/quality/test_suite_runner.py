"""The GX suite runner: one connection per step, Data Docs for the results worth opening, history
that does not grow without bound.

Each test builds a two-table warehouse: `good` passes its suite, `bad` fails one blocking rule.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from quality.runner import (
    SuiteRunner,
    close_runner,
    data_docs_mode,
    prune_validation_history,
    shared_runner,
)
from quality.suites.raw import ERROR, Rule

NOT_NULL_ID = Rule("ExpectColumnValuesToNotBeNull", {"column": "id"}, ERROR, "id is present")
RULES = {("main", "good"): [NOT_NULL_ID], ("main", "bad"): [NOT_NULL_ID]}


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table good as select * from (values (1), (2)) as t(id)")
    con.execute("create table bad as select * from (values (1), (null)) as t(id)")
    con.close()
    return path


def validation_pages(root: Path) -> list[str]:
    """The validated tables that have a Data Docs page, as `schema.table` (GX files a suite
    named `main.bad` under `validations/main/bad/`)."""
    pages = root / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    if not pages.is_dir():
        return []
    return sorted(f"{s.name}.{t.name}" for s in pages.iterdir() for t in s.iterdir())


def test_problems_mode_renders_only_failing_results_and_an_index(warehouse, tmp_path):
    runner = SuiteRunner(warehouse, tmp_path / "q", data_docs="problems")
    outcomes = runner.validate_relations(RULES)
    close_runner(runner)

    assert outcomes[("main", "good")].passed
    assert [o.unexpected_count for o in outcomes[("main", "bad")].blocking_failures] == [1]
    assert validation_pages(tmp_path / "q") == ["main.bad"]
    index = runner.data_docs_index.read_text()
    assert "main.bad" in index and "main.good" not in index


def test_all_mode_renders_every_result_and_off_renders_none(warehouse, tmp_path):
    every = SuiteRunner(warehouse, tmp_path / "all", data_docs="all")
    every.validate_relations(RULES)
    close_runner(every)
    assert validation_pages(tmp_path / "all") == ["main.bad", "main.good"]

    off = SuiteRunner(warehouse, tmp_path / "off", data_docs="off")
    off.validate_relations(RULES)
    close_runner(off)
    assert not off.data_docs_index.exists()


def test_an_unknown_data_docs_mode_is_refused():
    with pytest.raises(ValueError, match="QUALITY_DATA_DOCS='some'"):
        data_docs_mode("some")


def test_a_closed_runner_releases_the_file_and_sees_new_rows_when_it_validates_again(
    warehouse, tmp_path
):
    runner = shared_runner(warehouse, tmp_path / "q")
    assert shared_runner(warehouse, tmp_path / "q") is runner
    assert not runner.validate("main", "good", [NOT_NULL_ID]).blocking_failures
    close_runner(runner)

    # Another process (dbt) may now write the file.
    writer = duckdb.connect(str(warehouse))
    writer.execute("insert into good values (null)")
    writer.close()

    again = runner.validate("main", "good", [NOT_NULL_ID])
    close_runner(runner)
    assert [o.unexpected_count for o in again.blocking_failures] == [1]


def test_history_older_than_the_retention_is_pruned(tmp_path):
    results = tmp_path / "gx" / "uncommitted" / "validations" / "main.good" / "run"
    results.mkdir(parents=True)
    old, recent = results / "old.json", results / "recent.json"
    old.write_text("{}")
    recent.write_text("{}")
    now = time.time()
    os.utime(old, (now - 31 * 86_400, now - 31 * 86_400))
    os.utime(recent, (now - 29 * 86_400, now - 29 * 86_400))

    assert prune_validation_history(tmp_path, days=30, now=now) == 1
    assert not old.exists() and recent.exists()

    recent.unlink()
    prune_validation_history(tmp_path, days=30, now=now)
    assert not (tmp_path / "gx" / "uncommitted" / "validations" / "main.good").exists()
