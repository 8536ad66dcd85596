"""The PostgreSQL the portability test builds on: the profile's own variables and defaults.

The same POSTGRES_* variables (and defaults) as dbt_project/profiles.yml's `postgres` target,
so the test, the copied raw tables and dbt all reach one server: localhost:5432, user postgres,
database test unless the environment says otherwise.
"""

from __future__ import annotations

import os

import psycopg


def postgres_settings() -> dict[str, str]:
    return {
        "host": os.environ.get("POSTGRES_HOST", "localhost"),
        "port": os.environ.get("POSTGRES_PORT", "5432"),
        "user": os.environ.get("POSTGRES_USER", "postgres"),
        "password": os.environ.get("POSTGRES_PASSWORD", ""),
        "dbname": os.environ.get("POSTGRES_DATABASE", "test"),
    }


def postgres_conninfo() -> str:
    return psycopg.conninfo.make_conninfo(**postgres_settings())


def dbt_postgres_environment(schema_prefix: str) -> dict[str, str]:
    """Environment for `dbt` on the postgres target, this server and `schema_prefix`."""
    settings = postgres_settings()
    return {
        "DBT_TARGET": "postgres",
        "DBT_SCHEMA_PREFIX": schema_prefix,
        "POSTGRES_HOST": settings["host"],
        "POSTGRES_PORT": settings["port"],
        "POSTGRES_USER": settings["user"],
        "POSTGRES_PASSWORD": settings["password"],
        "POSTGRES_DATABASE": settings["dbname"],
    }
