"""Fixtures for the portability tests: the fixture district's DuckDB build and the other engines.

The reference is the tiny district's real pipeline run (tests/conftest.py, shared with the
end-to-end tests): its raw tables are the fixture data every other warehouse is loaded with,
and its marts are the numbers every other warehouse must reproduce.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from portability_postgres import postgres_conninfo, postgres_settings
from psycopg import sql


@pytest.fixture(scope="session")
def reference_warehouse(tiny_pipeline_run) -> Path:
    """The DuckDB warehouse of the tiny district's full refresh; it must have succeeded."""
    result = tiny_pipeline_run.result
    failures = [event.message for event in result.all_events if event.is_failure]
    assert result.success, "the DuckDB reference run failed:\n" + "\n".join(failures[:5])
    return tiny_pipeline_run.warehouse_path


def _postgres_or_fail() -> None:
    settings = postgres_settings()
    where = f"{settings['host']}:{settings['port']}"
    try:
        with psycopg.connect(postgres_conninfo(), connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL at {where} (user {settings['user']}, database {settings['dbname']}) is "
            "required: the dbt project's portability test builds it there. Start PostgreSQL, "
            "point POSTGRES_HOST/POSTGRES_PORT/POSTGRES_USER/POSTGRES_DATABASE elsewhere, or set "
            f"DISTRICT_ALLOW_NO_POSTGRES=1 to skip it. Connection error: {error}"
        )
        if os.environ.get("DISTRICT_ALLOW_NO_POSTGRES") == "1":
            print(f"SKIPPING the PostgreSQL portability test: {reason}")
            pytest.skip(reason)
        pytest.fail(reason, pytrace=False)


@pytest.fixture
def postgres_schema_prefix() -> Iterator[str]:
    """A schema prefix of this test alone; every schema under it is dropped afterwards."""
    _postgres_or_fail()
    prefix = f"dbt_portability_{uuid.uuid4().hex[:8]}_"
    yield prefix
    with psycopg.connect(postgres_conninfo(), autocommit=True) as conn:
        schemas = [
            name
            for (name,) in conn.execute(
                "select nspname from pg_namespace where starts_with(nspname, %s)", [prefix]
            ).fetchall()
        ]
        for schema in schemas:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))


@pytest.fixture(scope="session")
def spark_runtime() -> None:
    """pyspark and a Java runtime, or a clear failure naming what is missing (a skip only
    when DISTRICT_ALLOW_NO_SPARK=1 says this machine has no Spark)."""
    problems = []
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        problems.append(f"pyspark is not installed ({error}); run `make setup`")
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        problems.append(
            "no Java runtime (java on PATH or JAVA_HOME) for Spark; install Java 17 "
            "(Debian: apt-get install openjdk-17-jre-headless)"
        )
    if problems:
        reason = (
            "the Spark portability test needs local in-process Spark: "
            + "; ".join(problems)
            + ". Set DISTRICT_ALLOW_NO_SPARK=1 to skip it instead."
        )
        if os.environ.get("DISTRICT_ALLOW_NO_SPARK") == "1":
            print(f"SKIPPING the Spark portability test: {reason}")
            pytest.skip(reason)
        pytest.fail(reason, pytrace=False)
