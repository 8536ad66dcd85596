"""Unnesting staged tutoring pages in DuckDB and loading them through the typed loader.

Each record's fields are taken as text with `->>`, so the typed loader sees exactly what the
vendor sent; `_source_row` is the record's 1-based position in its page's `data` array.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from ingestion.common.cursors import advance_cursor_from, cursor_text, read_cursor
from ingestion.common.file_delta import FileDelta, SourceFile, plan_file_delta, whole_load
from ingestion.common.settings import SourceSettings
from ingestion.common.typed_load import LoadResult, WriteMode, load_typed, record_unchanged_load
from ingestion.contracts import TUTORING_TABLES, TableContract
from ingestion.tutoring.client import (
    StagedPage,
    TutoringApiClient,
    TutoringSourceError,
    saved_pages,
)
from warehouse.sql import quote_identifier, quote_literal

_JSON_OPTIONS = (
    "columns = {'data': 'JSON[]', 'meta': 'JSON'}, format = 'auto', filename = true, "
    "maximum_object_size = 268435456"
)


def _read_pages_sql(pages: list[StagedPage]) -> str:
    paths = ", ".join(quote_literal(page.path.as_posix()) for page in pages)
    return f"read_json([{paths}], {_JSON_OPTIONS})"


def check_staged_pages(con: duckdb.DuckDBPyConnection, pages: list[StagedPage]) -> None:
    """Fail, naming the page, if any page is unreadable or lacks its `data` array.

    All pages are checked in one scan; only when that fails are they read one by one to find
    which page is at fault.
    """
    try:
        rows = con.execute(
            f"select filename, data is null from {_read_pages_sql(pages)}"
        ).fetchall()
    except duckdb.Error:
        for page in pages:
            try:
                con.execute(f"select count(*) from {_read_pages_sql([page])}").fetchall()
            except duckdb.Error as error:
                raise TutoringSourceError(
                    f"page {page.source_file} is malformed: {error}",
                    rule="malformed_page",
                    source_file=page.source_file,
                ) from error
        raise TutoringSourceError(
            f"cannot read tutoring pages {pages[0].source_file} … {pages[-1].source_file}",
            source_file=pages[0].source_file,
        ) from None
    found = {Path(filename).as_posix(): is_missing for filename, is_missing in rows}
    for page in pages:
        is_missing = found.get(page.path.as_posix())
        if is_missing is None or is_missing:
            raise TutoringSourceError(
                f"page {page.source_file} has no `data` array",
                rule="malformed_page",
                source_file=page.source_file,
            )


def load_tutoring_pages(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    pages: list[StagedPage],
    timezone: str,
    write_mode: WriteMode = "replace",
    before_commit: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
    delta: FileDelta | None = None,
) -> LoadResult:
    """Load one endpoint's staged pages into `raw.tutoring__<endpoint>`.

    The pages are parsed only by the load itself: a page whose `data` array is missing (or
    that holds no record object at all) makes the staged rows raise as they are read, and
    only then does `check_staged_pages` scan the pages again to name the page at fault. A
    page with an empty `data` array is valid: a placeholder row keeps it visible to that check
    and is never loaded. Each record is parsed once for all its fields
    (`json_extract_string` with a list of keys gives exactly what `->>` gives per key).

    `before_commit` runs inside the load's transaction (the live API advances its cursor there).
    With a `delta` (saved pages), `pages` are the changed pages and the rows of those pages
    and of pages gone from the folder are replaced.
    """
    page_names = f"_tutoring_pages_{contract.name}"
    con.execute(f"create or replace temp table {page_names} (path varchar, source_file varchar)")
    con.executemany(
        f"insert into {page_names} values (?, ?)",
        [(page.path.as_posix(), page.source_file) for page in pages],
    )
    keys = ", ".join(quote_literal(column) for column in contract.columns)
    fields = ", ".join(
        f"records.field_values[{position}] as {quote_identifier(column)}"
        for position, column in enumerate(contract.columns, start=1)
    )
    view = f"_staged_{contract.raw_table}"
    con.execute(
        f"""
        create or replace temp view {view} as
        with pages_read as (
            select
                filename,
                data is null as is_data_missing,
                coalesce(len(data), 0) = 0 as is_placeholder,
                case when len(data) > 0 then data else [null] end as page_records
            from {_read_pages_sql(pages)}
        ),
        records as (
            select
                filename,
                is_data_missing,
                is_placeholder,
                unnest(range(1, len(page_records) + 1)) as _source_row,
                json_extract_string(unnest(page_records), [{keys}]) as field_values
            from pages_read
        )
        select {fields}, page_names.source_file as _source_file, records._source_row
        from {page_names} as page_names
        left join records on page_names.path = records.filename
        where case
            when records.filename is null or records.is_data_missing
                then error('tutoring page ' || page_names.source_file || ' has no data array')
            else not records.is_placeholder
        end
        """
    )
    try:
        return load_typed(
            con,
            view,
            contract,
            [page.source_file for page in pages],
            timezone=timezone,
            write_mode=write_mode,
            error_type=TutoringSourceError,
            before_commit=before_commit,
            delta=delta,
        )
    except TutoringSourceError as error:
        if isinstance(error.__cause__, duckdb.Error):
            check_staged_pages(con, pages)
        raise
    finally:
        con.execute(f"drop view if exists {view}")
        con.execute(f"drop table if exists {page_names}")


def _load_saved_pages(
    con: duckdb.DuckDBPyConnection, settings: SourceSettings, contract: TableContract
) -> LoadResult:
    """Load the endpoint's saved pages that changed since they were loaded (all, the first time)."""
    pages = saved_pages(settings.tutoring_pages_dir, contract.name, settings.relative_source_path)
    files = [SourceFile.at(page.path, page.source_file) for page in pages]
    delta = plan_file_delta(con, contract, files, settings.is_incremental)
    if delta.is_unchanged:
        return record_unchanged_load(con, contract, [f.lineage for f in files])
    if not delta.to_load:  # pages only removed: nothing to read, so reload the rest whole
        delta = whole_load(files)
    changed = [StagedPage(f.path, f.lineage) for f in delta.to_load]
    return load_tutoring_pages(con, contract, changed, settings.district_timezone, delta=delta)


def load_tutoring(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    updated_since: str | None = None,
) -> dict[str, LoadResult]:
    """Load every endpoint from the live API when configured, else from the saved pages.

    Live: each endpoint's pages are all fetched (and staged in a temporary folder) before its
    raw table is touched, so an API failure leaves the last good table in place. The pull is
    incremental when `updated_since` is given, or when INCREMENTAL_LOADS is on and the
    endpoint has a cursor in `raw._source_cursors`; it then merges by key. Otherwise it is
    whole and replaces the table. Either way the cursor moves to the newest `updated_at`
    pulled, in the load's transaction. Saved pages are always a whole snapshot.
    """
    results = {}
    if not settings.is_tutoring_live:
        if updated_since is not None:
            raise TutoringSourceError(
                "updated_since needs the live API (TUTORING_API_URL)", rule="configuration"
            )
        for contract in TUTORING_TABLES:
            results[contract.raw_table] = _load_saved_pages(con, settings, contract)
        return results
    client = TutoringApiClient(
        settings.tutoring_api_url,
        settings.tutoring_api_token,
        settings.tutoring_page_size,
        settings.tutoring_timeout_seconds,
        max_retries=settings.tutoring_max_retries,
        backoff_seconds=settings.tutoring_backoff_seconds,
    )
    with tempfile.TemporaryDirectory(prefix="tutoring-pages-") as staging_dir:
        for contract in TUTORING_TABLES:
            since = updated_since
            if since is None and settings.is_incremental:
                cursor = read_cursor(con, contract.source, contract.name)
                since = None if cursor is None else cursor_text(cursor)
            pages = client.stage_pages(contract.name, Path(staging_dir), since)
            results[contract.raw_table] = load_tutoring_pages(
                con,
                contract,
                pages,
                settings.district_timezone,
                "replace" if since is None else "merge",
                advance_cursor_from(contract.source, contract.name, "updated_at"),
            )
    return results
