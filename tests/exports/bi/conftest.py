"""Fixtures for the BI publisher tests: the fixture warehouse, its manifest, PostgreSQL names.

`postgres_url` (the server these tests need) comes from tests/conftest.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from bi_fixture_warehouse import FIXTURE_MANIFEST, build_warehouse
from psycopg import sql

from exports.bi.postgres_target import postgres_conninfo


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Callable[[int], Path]:
    """Build a fixture warehouse file of the given version; returns its path."""

    def make(version: int = 1) -> Path:
        path = tmp_path / f"warehouse_v{version}.duckdb"
        if not path.exists():
            build_warehouse(path, version)
        return path

    return make


@pytest.fixture
def warehouse_path(make_warehouse: Callable[[int], Path]) -> Path:
    return make_warehouse(1)


@pytest.fixture
def manifest_path(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(FIXTURE_MANIFEST), encoding="utf-8")
    return path


class PostgresRun:
    """Names unique to one test: schema prefix and roles, so parallel runs never collide."""

    def __init__(self, url: str) -> None:
        token = uuid.uuid4().hex[:8]
        self.url = url
        self.prefix = f"bi_test_{token}_"
        self.analyst_role = f"bi_test_{token}_analyst"
        self.restricted_role = f"bi_test_{token}_restricted"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(postgres_conninfo(self.url), autocommit=True)

    def schema(self, name: str) -> str:
        return self.prefix + name


@pytest.fixture
def pg_run(postgres_url: str) -> Iterator[PostgresRun]:
    run = PostgresRun(postgres_url)
    yield run
    with run.connect() as conn:
        schemas = [
            row[0]
            for row in conn.execute(
                "select nspname from pg_namespace where starts_with(nspname, %s)", [run.prefix]
            )
        ]
        for schema in schemas:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        for role in (run.analyst_role, run.restricted_role):
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
