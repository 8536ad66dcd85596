"""The ODS/API records kept between pulls, so a nightly pull asks only for what changed.

Every record pulled from the API is kept in `raw._edfi_api__<record type>` (restricted, like
every raw table) with its resource `id`, and `raw._edfi_api_change_versions` remembers, per
API URL, the change version the store is complete up to. A pull then:

- **whole** (no stored version, `INCREMENTAL_LOADS=false`, the stored version older than the
  API's oldest available one, or an API without Change Queries): every record of every
  resource; the store is replaced;
- **changes** otherwise: per resource, the records changed in (stored, newest] (Change
  Queries' `minChangeVersion`/`maxChangeVersion`; nothing is requested when the newest
  version is the stored one) replace the stored ones with the same `id`
  (a changed natural key keeps its `id`, so key changes are covered), and the records in the
  resource's `/deletes` for that range are removed: a deleted enrolment disappears.

The newest version is read *before* the records, so a change made during the pull is pulled
again next time rather than missed. Everything is fetched into temp tables first and the store
and its version change in one transaction, so a failed pull changes nothing; the contract
tables are then rebuilt whole from the store (`loader.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from ingestion.common.warehouse import RAW_SCHEMA, ensure_raw_schema
from ingestion.sis.edfi.api_client import EdfiApiClient
from ingestion.sis.edfi.interchange import InterchangeReadout, StagingSink, staging_table
from ingestion.sis.edfi.records import RECORD_COLUMNS

VERSIONS = f"{RAW_SCHEMA}._edfi_api_change_versions"


def store_table(record_type: str) -> str:
    return f"{RAW_SCHEMA}._edfi_api__{record_type}"


def stored_version(con: duckdb.DuckDBPyConnection, api_url: str) -> int | None:
    con.execute(
        f"create table if not exists {VERSIONS} "
        "(api_url varchar primary key, change_version bigint, advanced_at timestamptz)"
    )
    row = con.execute(
        f"select change_version from {VERSIONS} where api_url = ?", [api_url]
    ).fetchone()
    return None if row is None else int(row[0])


def pull_into_store(
    con: duckdb.DuckDBPyConnection,
    client: EdfiApiClient,
    resources: dict[str, tuple[str, Callable[[dict], dict]]],
    is_incremental: bool,
) -> tuple[InterchangeReadout, str]:
    """Update the store from the API and stage its records; (readout, `whole` or `changes`)."""
    ensure_raw_schema(con)
    versions = client.available_change_versions()
    since = stored_version(con, client.api_url) if is_incremental else None
    mode = "whole"
    changes = None
    if versions is not None and since is not None and since >= versions[0] - 1:
        mode, changes = "changes", (since + 1, versions[1])
    # Nothing changed since the last pull: no request can return a record (and an empty
    # range, min > max, is not one to send).
    pulled = {} if changes is not None and changes[0] > changes[1] else resources
    sink = StagingSink(con)
    readout = InterchangeReadout()
    con.execute("create or replace temp table _edfi_deleted (record_type varchar, id varchar)")
    for resource in resources:
        readout.files.append(client.resource_url(resource))
    for resource, (record_type, extract) in pulled.items():
        url = client.resource_url(resource)
        for row, record in enumerate(client.records(resource, changes), start=1):
            sink.add_record(readout, record_type, extract(record), url, row, record.get("id"))
        if changes is not None:
            deleted = [
                (record_type, str(r.get("id")))
                for r in client.records(resource, changes, deletes=True)
            ]
            if deleted:
                con.executemany("insert into _edfi_deleted values (?, ?)", deleted)
    sink.flush()
    con.execute("begin transaction")
    try:
        for record_type in RECORD_COLUMNS:
            staged, stored = staging_table(record_type), store_table(record_type)
            if mode == "whole":
                con.execute(f"create or replace table {stored} as select * from {staged}")
                continue
            con.execute(
                f"create table if not exists {stored} as select * from {staged} where false"
            )
            con.execute(
                f"delete from {stored} where _edfi_id in (select _edfi_id from {staged}) "
                f"or _edfi_id in (select id from _edfi_deleted where record_type = ?)",
                [record_type],
            )
            con.execute(f"insert into {stored} select * from {staged}")
        if versions is not None:
            con.execute(
                f"insert or replace into {VERSIONS} values (?, ?, now())",
                [client.api_url, versions[1]],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    for record_type in RECORD_COLUMNS:
        con.execute(
            f"create or replace temp table {staging_table(record_type)} as "
            f"select * from {store_table(record_type)}"
        )
        files = con.execute(
            f"select distinct _source_file from {staging_table(record_type)}"
        ).fetchall()
        readout.files_by_record_type[record_type] = {f for (f,) in files}
    return readout, mode
