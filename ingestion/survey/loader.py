"""Loading the item dictionary, and the wide exports made long with UNPIVOT.

Each export becomes one row per response and answered item; UNPIVOT leaves out NULL cells, so
a skipped item produces no row. `_source_row` stays the row of the wide file, and school year
and season come from the file name. The long load itself (`long_load.py`) checks each
response's own columns once per wide row rather than once per answered item.
"""

from __future__ import annotations

import duckdb

from ingestion.common.csv_files import (
    check_header,
    csv_header,
    explain_failed_load,
    read_csv_sql,
    staged_csv_select,
)
from ingestion.common.file_delta import SourceFile, plan_file_delta, whole_load
from ingestion.common.settings import SourceSettings
from ingestion.common.typed_load import LoadResult, load_typed, record_unchanged_load
from ingestion.contracts import BY_RAW_NAME
from ingestion.survey.exports import (
    RESPONSE_COLUMNS,
    SurveySourceError,
    find_response_exports,
    item_columns,
)
from ingestion.survey.long_load import load_long_responses
from warehouse.sql import quote_literal

ITEMS = BY_RAW_NAME["survey__items"]
RESPONSES = BY_RAW_NAME["survey__responses"]
DICTIONARY_FILE = "item_dictionary.csv"


def _load_items(con: duckdb.DuckDBPyConnection, settings: SourceSettings) -> LoadResult:
    path = settings.survey_export_dir / DICTIONARY_FILE
    source_file = settings.relative_source_path(path)
    delta = plan_file_delta(con, ITEMS, [SourceFile.at(path, source_file)], settings.is_incremental)
    if delta.is_unchanged:
        return record_unchanged_load(con, ITEMS, [source_file])
    header = csv_header(con, path, SurveySourceError, source_file)
    warnings = check_header(header, ITEMS.columns, path, SurveySourceError, source_file)
    view = f"_staged_{ITEMS.raw_table}"
    con.execute(
        f"create or replace temp view {view} as "
        + staged_csv_select(header, path, ITEMS.columns, source_file)
    )
    try:
        return load_typed(
            con,
            view,
            ITEMS,
            [source_file],
            timezone=settings.district_timezone,
            error_type=SurveySourceError,
            warnings=warnings,
            delta=delta,
        )
    except SurveySourceError as error:
        raise explain_failed_load(
            con, error, [(path, source_file, header)], SurveySourceError
        ) from error.__cause__
    finally:
        con.execute(f"drop view if exists {view}")


def dictionary_item_ids(con: duckdb.DuckDBPyConnection, settings: SourceSettings) -> list[str]:
    """Item ids as listed in the dictionary file, in file order."""
    path = settings.survey_export_dir / DICTIONARY_FILE
    rows = con.execute(
        f"select item_id from {read_csv_sql(path)} with ordinality as src "
        f"where item_id is not null order by src.ordinality"
    ).fetchall()
    return [row[0] for row in rows]


def _load_responses(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    item_ids: list[str],
    is_dictionary_changed: bool,
) -> LoadResult:
    """Reload every export when any export or the dictionary changed, else record no change.

    The long table is one unpivot of all exports against the dictionary's items, so a change
    to either is a whole reload; administrations arrive a few times a year.
    """
    exports = find_response_exports(settings.survey_export_dir)
    files = [SourceFile.at(e.path, settings.relative_source_path(e.path)) for e in exports]
    delta = plan_file_delta(con, RESPONSES, files, settings.is_incremental)
    if delta.is_unchanged and not is_dictionary_changed:
        return record_unchanged_load(con, RESPONSES, [f.lineage for f in files])
    selects, read_files = [], []
    for export in exports:
        source_file = settings.relative_source_path(export.path)
        header = csv_header(con, export.path, SurveySourceError, source_file)
        read_files.append((export.path, source_file, header))
        item_columns(header, item_ids, export.path)
        # Items in dictionary order, whatever the export's column order, so every export's
        # wide rows line up column for column.
        selects.append(
            staged_csv_select(
                header,
                export.path,
                [*RESPONSE_COLUMNS, *item_ids],
                source_file,
                {
                    "school_year": quote_literal(export.school_year),
                    "season": quote_literal(export.season),
                },
            )
        )
    try:
        return load_long_responses(
            con,
            selects,
            item_ids,
            [f.lineage for f in files],
            settings.district_timezone,
            whole_load(files),
        )
    except SurveySourceError as error:
        raise explain_failed_load(con, error, read_files, SurveySourceError) from error.__cause__


def load_survey(con: duckdb.DuckDBPyConnection, settings: SourceSettings) -> dict[str, LoadResult]:
    """Load `raw.survey__items` and `raw.survey__responses`; results keyed by raw table."""
    path = settings.survey_export_dir / DICTIONARY_FILE
    if not path.is_file():
        raise SurveySourceError(f"survey item dictionary not found: {path}")
    items_result = _load_items(con, settings)
    item_ids = dictionary_item_ids(con, settings)
    is_dictionary_changed = bool(items_result.files)
    responses_result = _load_responses(con, settings, item_ids, is_dictionary_changed)
    return {ITEMS.raw_table: items_result, RESPONSES.raw_table: responses_result}
