"""No step imports a module on a worker thread: the race that once failed `make run` at random.

A background thread importing GX while Dagster's event log, on the main thread, touched the
same half-imported SQLAlchemy module failed one fresh `make run` in seven with "partially
initialized module 'sqlalchemy.orm.exc'". Each run here is a fresh interpreter (nothing imported
yet, as on a fresh machine) with an import recorder (import_race_run.py): a run fails on an
import error, a failed step or blocking check, or any module first imported off the main thread.

The load-and-check steps of the tiny district run `IMPORT_RACE_RUNS` times, two at a time so
that they contend for the two cores: 8 in `make test` (about a minute; the recorder makes any
worker-thread import fail the first run, so repetition only adds contention), 20 in
`make stress`. The publication step, whose publications run on two threads and whose portal
draws half its pages in a forked process, runs once against the BI database in DuckDB and once
in PostgreSQL; a fork made while another thread is alive fails it too (the child would inherit
locks that thread held).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

RUNNER = Path(__file__).with_name("import_race_run.py")
IMPORT_ERRORS = ("partially initialized module", "_DeadlockError", "ImportError", "circular import")


def _environment(root: Path, sources_dir: Path, warehouse: Path, **extra: str) -> dict:
    env = dict(os.environ)
    for key in ("BI_DATABASE_URL", "DISTRICT_SOURCE_MODE"):
        env.pop(key, None)
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        DISTRICT_SOURCE_MODE="real",
        DISTRICT_SOURCES_DIR=str(sources_dir),
        WAREHOUSE_PATH=str(warehouse),
        DISTRICT_OUTPUTS_DIR=str(root / "outputs"),
        DAGSTER_HOME=str(root / "dagster_home"),
        **extra,
    )
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    (root / "dagster_home" / "dagster.yaml").touch()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return env


def _start(steps: str, root: Path, env: dict) -> tuple[subprocess.Popen, Path]:
    report = root / "report.json"
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), steps, str(report)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, report


def _problems(name: str, process: subprocess.Popen, report_path: Path) -> list[str]:
    """What went wrong in one finished run, as lines naming the run."""
    _, stderr = process.communicate(timeout=600)
    problems = [
        f"{name}: {line.strip()}"
        for line in stderr.splitlines()
        if any(marker in line for marker in IMPORT_ERRORS)
    ]
    if not report_path.exists():
        return problems + [f"{name}: no report (exit {process.returncode}): {stderr[-2000:]}"]
    report = json.loads(report_path.read_text())
    if report.get("exception"):
        problems.append(f"{name}: {report['exception'][-2000:]}")
    if not report["success"]:
        problems.append(
            f"{name}: run failed; steps {report.get('failed_steps')}, "
            f"blocking checks {report.get('check_failures')}"
        )
    for record in report["imports_off_main_thread"]:
        problems.append(f"{name}: thread {record['thread']} imported {record['module']}")
    for threads in report["forks_beside_threads"]:
        problems.append(f"{name}: forked while these threads were alive: {threads}")
    return problems


def test_load_and_check_steps_import_nothing_off_the_main_thread(tiny_pipeline_run, tmp_path):
    runs = int(os.environ.get("IMPORT_RACE_RUNS", "8"))
    problems: list[str] = []
    for pair in range(0, runs, 2):
        started = []
        for index in range(pair, min(pair + 2, runs)):
            root = tmp_path / f"run{index:02d}"
            env = _environment(
                root, tiny_pipeline_run.sources_dir, root / "warehouse" / "district.duckdb"
            )
            started.append((f"run {index}", *_start("load_and_check", root, env)))
        for name, process, report in started:
            problems += _problems(name, process, report)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", ["duckdb", "postgresql"])
def test_publication_step_imports_nothing_off_the_main_thread(
    tiny_pipeline_run, tmp_path, target, request
):
    """The two publication threads run only code imported before they start."""
    extra = {}
    if target == "postgresql":
        extra["BI_DATABASE_URL"] = request.getfixturevalue("bi_database_url")
    warehouse = tmp_path / "warehouse" / "district.duckdb"
    warehouse.parent.mkdir(parents=True)
    shutil.copy(tiny_pipeline_run.warehouse_path, warehouse)
    env = _environment(tmp_path, tiny_pipeline_run.sources_dir, warehouse, **extra)
    process, report = _start("publish", tmp_path, env)
    problems = _problems(f"publish to {target}", process, report)
    assert not problems, "\n".join(problems)


@pytest.fixture
def bi_database_url(postgres_url: str):
    """A PostgreSQL database of this test's own for the BI target, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    from exports.bi.postgres_target import postgres_conninfo

    name = f"bi_race_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_conninfo(postgres_url), autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(postgres_conninfo(postgres_url), autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
