"""Publishing warehouse tables to PostgreSQL: staged, swapped in one transaction, role-protected.

Every schema is first built completely under `<schema>__staging` (tables streamed from DuckDB as
Arrow record batches and loaded with COPY, then indexed, commented and analysed). One transaction
then renames the live schema away, renames the staging schema into its place and grants the
reader role on it. PostgreSQL's DDL is transactional, so a query sees either the old tables or
the new ones, never a half-loaded table. The replaced schema is dropped in a second transaction,
which waits for queries still reading it without holding up anyone reading the new tables.

Caveat for analysts: a REPEATABLE READ or SERIALIZABLE transaction opened before a publish sees
the new (renamed-in) tables as empty, as PostgreSQL does after any table rewrite; BI tools run
each query in its own READ COMMITTED transaction and are not affected.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import psycopg
import pyarrow.csv as arrow_csv
from psycopg import sql
from sqlalchemy.engine import make_url

from exports.bi.layout import RETIRED_SUFFIX, STAGING_SUFFIX, lookup_columns_for
from exports.bi.manifest import RelationDocs
from exports.bi.role_audit import UnsafeRoleSetupError, refuse_unsafe_analyst_role
from exports.bi.type_mapping import postgres_column_for
from exports.bi.warehouse import SourceTable

_CSV_OPTIONS = arrow_csv.WriteOptions(include_header=False)
_PUBLISH_LOCK_NAME = "district_bi_publish"


@dataclass(frozen=True)
class SchemaPublication:
    """One warehouse schema, where it goes in PostgreSQL, and the only role that may read it."""

    source_schema: str
    target_schema: str
    reader_role: str
    tables: Sequence[SourceTable]


__all__ = ["SchemaPublication", "UnsafeRoleSetupError", "publish_to_postgres"]


def postgres_conninfo(target_url: str) -> str:
    """A libpq connection URI from a SQLAlchemy URL (`postgresql+psycopg://...` or similar)."""
    url = make_url(target_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def publish_to_postgres(
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    publications: Sequence[SchemaPublication],
    target_url: str,
    docs: dict[tuple[str, str], RelationDocs],
    analyst_role: str,
    restricted_role: str,
    batch_rows: int,
) -> dict[str, int]:
    """Publish the schemas; return rows loaded per `schema.table` (source names)."""
    rows_by_table: dict[str, int] = {}
    with psycopg.connect(postgres_conninfo(target_url), autocommit=True) as conn:
        # Two publishes at once would rename each other's schemas; take turns.
        conn.execute("select pg_advisory_lock(hashtext(%s))", [_PUBLISH_LOCK_NAME])
        restricted_schemas = [
            p.target_schema for p in publications if p.reader_role == restricted_role
        ]
        ensure_reader_roles(conn, analyst_role, restricted_role, restricted_schemas)
        for publication in publications:
            _create_staging_schema(conn, publication.target_schema)
            for table in publication.tables:
                rows_by_table[table.qualified_name] = _load_staging_table(
                    conn, warehouse, warehouse_catalog, publication, table, docs, batch_rows
                )
        swap_staging_into_place(
            conn,
            publications,
            verify=lambda: refuse_unsafe_analyst_role(
                conn, analyst_role, restricted_role, restricted_schemas
            ),
        )
        drop_retired_schemas(conn, publications)
        conn.execute("select pg_advisory_unlock(hashtext(%s))", [_PUBLISH_LOCK_NAME])
    return rows_by_table


def ensure_reader_roles(
    conn: psycopg.Connection,
    analyst_role: str,
    restricted_role: str,
    restricted_schemas: Sequence[str],
) -> None:
    """Create the two reader roles if missing (NOLOGIN) and refuse an unsafe existing setup.

    Roles are created without login: people get their own login role and are granted one of
    these (`grant district_analyst to alice`). Existing roles are left as the DBA set them, and
    checked (`exports/bi/role_audit.py`) before anything is loaded: the analyst must not be
    able to read the live restricted schemas by any path.
    """
    for role in (analyst_role, restricted_role):
        conn.execute(
            sql.SQL(
                "do $$ begin create role {} nologin; "
                "exception when duplicate_object or unique_violation then null; end $$"
            ).format(sql.Identifier(role))
        )
    refuse_unsafe_analyst_role(conn, analyst_role, restricted_role, restricted_schemas)


def _create_staging_schema(conn: psycopg.Connection, target_schema: str) -> None:
    staging = sql.Identifier(target_schema + STAGING_SUFFIX)
    with conn.transaction():
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(staging))
        conn.execute(sql.SQL("create schema {}").format(staging))
        conn.execute(sql.SQL("revoke all on schema {} from public").format(staging))


def _load_staging_table(
    conn: psycopg.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    warehouse_catalog: str,
    publication: SchemaPublication,
    table: SourceTable,
    docs: dict[tuple[str, str], RelationDocs],
    batch_rows: int,
) -> int:
    """Create, fill, index, comment and analyse one staging table; return its row count."""
    columns = [postgres_column_for(c.name, c.duckdb_type) for c in table.columns]
    target = sql.Identifier(publication.target_schema + STAGING_SUFFIX, table.name)
    with conn.transaction():
        row_count = create_and_copy_table(
            conn, warehouse, table.duckdb_reference(warehouse_catalog), target, columns, batch_rows
        )
        lookup = lookup_columns_for(table.schema, table.name, [c.name for c in columns])
        if lookup:
            conn.execute(
                sql.SQL("create index {} on {} ({})").format(
                    sql.Identifier(f"{table.name}__lookup_idx"[:63]),
                    target,
                    sql.SQL(", ").join(sql.Identifier(name) for name in lookup),
                )
            )
        _comment_table(conn, target, docs.get((table.schema, table.name)))
        conn.execute(sql.SQL("analyze {}").format(target))
    return row_count


def create_and_copy_table(
    conn: psycopg.Connection,
    warehouse: duckdb.DuckDBPyConnection,
    duckdb_reference: str,
    target: sql.Identifier,
    columns: list,
    batch_rows: int,
) -> int:
    """Create `target` with the mapped `columns` and stream the DuckDB relation into it.

    Rows travel as Arrow batches written as CSV into PostgreSQL's COPY, so no table is ever
    held whole in Python. Returns the rows copied.
    """
    column_list = sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
    select_sql = "select {} from {}".format(
        ", ".join(c.transport_expression for c in columns), duckdb_reference
    )
    conn.execute(
        sql.SQL("create table {} ({})").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.postgres_type))
                for c in columns
            ),
        )
    )
    row_count = 0
    reader = warehouse.sql(select_sql).to_arrow_reader(batch_rows)
    copy_sql = sql.SQL("copy {} ({}) from stdin (format csv)").format(target, column_list)
    with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for batch in reader:
            if batch.num_rows == 0:
                continue
            buffer = io.BytesIO()
            arrow_csv.write_csv(batch, buffer, _CSV_OPTIONS)
            copy.write(buffer.getbuffer())
            row_count += batch.num_rows
    return row_count


def _comment_table(
    conn: psycopg.Connection, target: sql.Identifier, relation_docs: RelationDocs | None
) -> None:
    if relation_docs is None:
        return
    if relation_docs.description:
        conn.execute(
            sql.SQL("comment on table {} is {}").format(
                target, sql.Literal(relation_docs.description)
            )
        )
    existing_columns = {
        row[0]
        for row in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0",
            [target.as_string(conn)],
        )
    }
    for column_name, description in relation_docs.column_descriptions.items():
        if column_name not in existing_columns:
            continue  # documented in dbt but not (or no longer) built
        conn.execute(
            sql.SQL("comment on column {}.{} is {}").format(
                target, sql.Identifier(column_name), sql.Literal(description)
            )
        )


def swap_staging_into_place(
    conn: psycopg.Connection,
    publications: Sequence[SchemaPublication],
    verify: Callable[[], None] = lambda: None,
) -> None:
    """In one transaction: live schema → `__retired`, staging → live, grant the reader role.

    `verify` runs last inside the transaction, on the tables as they would go live; if it
    raises (the analyst could read the new restricted tables, say through default privileges
    granted since the first check) the swap rolls back and the old tables stay.
    """
    with conn.transaction():
        for publication in publications:
            live_name = publication.target_schema
            live = sql.Identifier(live_name)
            retired = sql.Identifier(live_name + RETIRED_SUFFIX)
            staging = sql.Identifier(live_name + STAGING_SUFFIX)
            role = sql.Identifier(publication.reader_role)
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(retired))
            has_live = conn.execute(
                "select 1 from pg_namespace where nspname = %s", [live_name]
            ).fetchone()
            if has_live:
                conn.execute(sql.SQL("alter schema {} rename to {}").format(live, retired))
            conn.execute(sql.SQL("alter schema {} rename to {}").format(staging, live))
            conn.execute(sql.SQL("grant usage on schema {} to {}").format(live, role))
            conn.execute(
                sql.SQL("grant select on all tables in schema {} to {}").format(live, role)
            )
        verify()


def drop_retired_schemas(
    conn: psycopg.Connection, publications: Sequence[SchemaPublication]
) -> None:
    """Drop the replaced schemas; each drop waits only for queries still reading it."""
    for publication in publications:
        retired = sql.Identifier(publication.target_schema + RETIRED_SUFFIX)
        with conn.transaction():
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(retired))
