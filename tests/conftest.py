"""Session fixtures shared by the suites: the tiny district, generated and run once through Dagster.

The end-to-end run is the expensive part of the suite (generation, four loads, dbt build), so it
happens once per session; tests that need a built warehouse read it and never write to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "DISTRICT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@localhost:5432/test"
)


@dataclass(frozen=True)
class PipelineRun:
    root: Path
    sources_dir: Path
    warehouse_path: Path
    outputs_dir: Path
    result: object


TINY_ENV_KEYS = (
    "DISTRICT_SOURCE_MODE",
    "DISTRICT_SOURCES_DIR",
    "WAREHOUSE_PATH",
    "DISTRICT_OUTPUTS_DIR",
    "DEMO_PROFILE",
    "DAGSTER_HOME",
)


def tiny_environment(root: Path) -> dict[str, str]:
    """Environment variables that point a whole pipeline run at `root` with the tiny profile."""
    return {
        "DISTRICT_SOURCE_MODE": "demo",
        "DISTRICT_SOURCES_DIR": str(root / "sources"),
        "WAREHOUSE_PATH": str(root / "warehouse" / "district.duckdb"),
        "DISTRICT_OUTPUTS_DIR": str(root / "outputs"),
        "DEMO_PROFILE": "tiny",
        "DAGSTER_HOME": str(root / "dagster_home"),
    }


@pytest.fixture(scope="session")
def tiny_pipeline_run(tmp_path_factory) -> PipelineRun:
    """The full_refresh job of the tiny district, executed once by Dagster in-process."""
    return run_tiny_full_refresh(tmp_path_factory.mktemp("tiny_district"))


@pytest.fixture(scope="session")
def full_refresh_runner() -> Callable[..., PipelineRun]:
    """`run_tiny_full_refresh` for tests in any folder.

    A fixture rather than `from conftest import ...`: with several conftest.py files in the tree,
    the module named `conftest` is whichever one pytest imported first.
    """
    return run_tiny_full_refresh


def run_tiny_full_refresh(root: Path, extra_env: dict[str, str] | None = None) -> PipelineRun:
    """The tiny district's full_refresh job under `root`, with `extra_env` set while it runs."""
    import dagster as dg

    env = tiny_environment(root) | (extra_env or {})
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    try:
        from orchestration.definitions import build_definitions

        defs = build_definitions()
        job = defs.get_job_def("full_refresh")
        with dg.instance_for_test() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return PipelineRun(
        root, root / "sources", Path(env["WAREHOUSE_PATH"]), root / "outputs", result
    )


@pytest.fixture
def run_in_fresh_interpreter(tmp_path) -> Callable[[str], subprocess.CompletedProcess]:
    """Run a Python snippet in a new interpreter from the repository root; its completed process.

    For what depends on process state this test session has already settled: which modules are
    imported, the garbage collector's settings, what the interpreter prints at exit. The snippet
    runs from a script file: under `python -c`, pyspark (which GX imports when it is installed)
    takes the nameless main module for a doctest run and exits.
    """

    def run(code: str) -> subprocess.CompletedProcess:
        script = tmp_path / "case.py"
        script.write_text(textwrap.dedent(code))
        return subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO_ROOT,
        )

    return run


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The real PostgreSQL the tests that publish to it need; fail loudly when it is missing."""
    import psycopg

    from exports.bi.postgres_target import postgres_conninfo

    try:
        with psycopg.connect(postgres_conninfo(POSTGRES_URL), connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL at {POSTGRES_URL} (localhost:5432, user postgres, database test) is "
            "required: the BI publish tests prove role grants, comments and the atomic schema "
            "swap against a real server, which no fake can show. Start PostgreSQL, point "
            "DISTRICT_TEST_POSTGRES_URL elsewhere, or set DISTRICT_ALLOW_NO_POSTGRES=1 to skip "
            f"them. Connection error: {error}"
        )
        if os.environ.get("DISTRICT_ALLOW_NO_POSTGRES") == "1":
            print(f"SKIPPING PostgreSQL tests: {reason}")
            pytest.skip(reason)
        pytest.fail(reason, pytrace=False)
    return POSTGRES_URL
