"""Loading the wide exports into the long `raw.survey__responses`, checking each value once.

The generic typed load (`ingestion.common.typed_load`) casts and checks every column of every
row it writes. Made long, a response's fixed columns repeat on each of its answered items
(about 28), so that load would re-check every response's two timestamps 28 times: 25 million
times at Los Angeles size, which made the survey load ten times slower than reading its files.
Here each check runs where its value lives:

- the response's own columns (every contract column but `item_id` and `response_value`) are
  cast and checked once per wide row, while the files are read, once, into a temporary table;
- the answer (`item_id`, `response_value`) is cast and checked once per long row, after
  UNPIVOT.

The outcome is the generic load's, row for row: the same typed raw table; the same quarantine
rows (one per answered item of a bad response, with the *first* failing check in contract
order, and the staged long row as JSON in `raw_record`); the same collapsed repeats
(`repeats.py`); the same `raw._load_audit` row; all
in one transaction that either replaces the table or leaves it untouched. The first-failure
order holds because the answer's two columns are the contract's last ones (checked at import).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from ingestion.common.errors import LoadAccountingError
from ingestion.common.file_delta import FileDelta, record_loaded_files
from ingestion.common.repeats import collapse_repeats
from ingestion.common.typed_load import (
    LoadResult,
    cast_expression,
    raw_table_ddl,
    write_load_audit,
)
from ingestion.common.value_rules import render_condition, value_rules_for
from ingestion.common.warehouse import RAW_SCHEMA, ensure_raw_schema
from ingestion.contracts import BY_RAW_NAME
from ingestion.survey.exports import SurveySourceError
from warehouse.sql import quote_identifier, quote_literal

RESPONSES = BY_RAW_NAME["survey__responses"]
ANSWER_COLUMNS = ("item_id", "response_value")
RESPONSE_LEVEL_COLUMNS = tuple(c for c in RESPONSES.columns if c not in ANSWER_COLUMNS)
# The staged long row as the generic load saw it, in its column order: the JSON kept in
# `raw._quarantine.raw_record` is built from exactly these columns.
STAGED_LONG_COLUMNS = (*RESPONSES.columns, "_source_file", "_source_row")
_WIDE_TABLE = "_survey_responses_wide"

if tuple(RESPONSES.columns)[-len(ANSWER_COLUMNS) :] != ANSWER_COLUMNS:
    raise RuntimeError(
        "survey__responses: item_id and response_value must be the contract's last columns, "
        "or a bad response could report a later column's failure before the response's own"
    )


@dataclass(frozen=True)
class _Check:
    condition_sql: str
    rule: str
    column: str
    offending_sql: str


def _text(column: str) -> str:
    """A staged column as text with empty strings turned into NULL (as the generic load)."""
    return f"nullif(cast({quote_identifier(column)} as varchar), '')"


def _typed_name(column: str) -> str:
    return quote_identifier(f"_typed__{column}")


def _typed(column: str) -> str:
    return cast_expression(_text(column), RESPONSES.columns[column])


def _checks(con: duckdb.DuckDBPyConnection, columns: Sequence[str], timezone: str) -> list[_Check]:
    """The generic load's row checks for `columns`, reading the precomputed typed values."""
    checks: list[_Check] = []
    for column in columns:
        kind, value, typed = RESPONSES.columns[column], _text(column), _typed_name(column)
        if column in RESPONSES.required:
            checks.append(_Check(f"{value} is null", "required_missing", column, "null"))
        if kind.upper() != "VARCHAR":
            checks.append(
                _Check(
                    f"({value} is not null and {typed} is null)",
                    f"invalid_{kind.lower()}",
                    column,
                    value,
                )
            )
        for rule in value_rules_for(RESPONSES.raw_table, column):
            checks.append(
                _Check(
                    render_condition(con, rule, typed, _typed_name, timezone),
                    rule.rule,
                    column,
                    value,
                )
            )
    return checks


def _first_failure(checks: Sequence[_Check], then_sql: Callable[[_Check], str]) -> str:
    if not checks:
        return "cast(null as varchar)"
    branches = " ".join(f"when {c.condition_sql} then {then_sql(c)}" for c in checks)
    return f"case {branches} end"


def _failure_columns(checks: Sequence[_Check], prefix: str) -> str:
    """`<prefix>rule`, `<prefix>column`, `<prefix>value` of the first check a row fails."""
    return ",\n    ".join(
        [
            f"{_first_failure(checks, lambda c: quote_literal(c.rule))} as {prefix}rule",
            f"{_first_failure(checks, lambda c: quote_literal(c.column))} as {prefix}column",
            f"{_first_failure(checks, lambda c: c.offending_sql)} as {prefix}value",
        ]
    )


def stage_wide_responses(
    con: duckdb.DuckDBPyConnection, wide_selects: Sequence[str], timezone: str
) -> None:
    """Read the exports once into a temporary table with the response-level checks done.

    Each of `wide_selects` gives the same columns in the same order (the fixed response
    columns, the items in dictionary order, the lineage and file-name columns), as text just as
    the file has them, so that the quarantine's raw_record keeps what was sent.
    """
    typed = ", ".join(f"{_typed(c)} as {_typed_name(c)}" for c in RESPONSE_LEVEL_COLUMNS)
    con.execute(
        f"""
        create or replace temp table {_WIDE_TABLE} as
        select
            *,
            {_failure_columns(_checks(con, RESPONSE_LEVEL_COLUMNS, timezone), "_response_failed_")}
        from (
            select staged.*, {typed}
            from ({" union all ".join(f"({s})" for s in wide_selects)}) as staged
        )
        """
    )


def _answers_sql(con: duckdb.DuckDBPyConnection, item_ids: Sequence[str], timezone: str) -> str:
    """The long rows: one per response and non-NULL item cell, with the answer checked."""
    items = ", ".join(quote_identifier(i) for i in item_ids)
    answer_checks = _checks(con, ANSWER_COLUMNS, timezone)
    return f"""
        with answers as (
            unpivot {_WIDE_TABLE} on {items} into name item_id value response_value
        ),
        typed_answers as (
            select
                *,
                {", ".join(f"{_typed(c)} as {_typed_name(c)}" for c in ANSWER_COLUMNS)}
            from answers
        ),
        checked as (
            select *, {_failure_columns(answer_checks, "_answer_failed_")}
            from typed_answers
        )
        select
            *,
            coalesce(_response_failed_rule, _answer_failed_rule) as _failed_rule,
            case when _response_failed_rule is not null then _response_failed_column
                else _answer_failed_column end as _failed_column,
            case when _response_failed_rule is not null then _response_failed_value
                else _answer_failed_value end as _failed_value
        from checked
    """


def load_long_responses(
    con: duckdb.DuckDBPyConnection,
    wide_selects: Sequence[str],
    item_ids: Sequence[str],
    files: Sequence[str],
    timezone: str,
    delta: FileDelta | None = None,
) -> LoadResult:
    """Replace `raw.survey__responses` with the exports made long; quarantine the bad rows.

    A failure to read the files is raised as SurveySourceError naming the table and files, with
    DuckDB's error as its cause (so the caller can explain it), and leaves the warehouse as it
    was.
    """
    ensure_raw_schema(con)
    started = time.perf_counter()
    load_id = str(uuid.uuid4())
    loaded_at = datetime.now(UTC)
    target = f"{RAW_SCHEMA}.{quote_identifier(RESPONSES.raw_table)}"
    source_lit, table_lit = quote_literal(RESPONSES.source), quote_literal(RESPONSES.name)
    params = {"loaded_at": loaded_at}
    typed_select = ",\n    ".join(
        [
            *(f"{_typed_name(c)} as {quote_identifier(c)}" for c in RESPONSES.columns),
            "cast(_source_file as varchar) as _source_file",
            "cast(_source_row as bigint) as _source_row",
            "$loaded_at as _loaded_at",
        ]
    )
    staged_row = ", ".join(
        f"{quote_identifier(c)} := {quote_identifier(c)}" for c in STAGED_LONG_COLUMNS
    )
    try:
        stage_wide_responses(con, wide_selects, timezone)
        con.execute("begin transaction")
        try:
            rows_read = con.execute(
                f"select coalesce({' + '.join(f'count({quote_identifier(i)})' for i in item_ids)}"
                f", 0) from {_WIDE_TABLE}"
            ).fetchone()[0]
            con.execute(f"create or replace table {target} ({raw_table_ddl(RESPONSES)})")
            for bookkeeping in ("_quarantine", "_collapsed_rows"):
                con.execute(
                    f"delete from {RAW_SCHEMA}.{bookkeeping} "
                    f"where source = {source_lit} and table_name = {table_lit}"
                )
            answers = _answers_sql(con, item_ids, timezone)
            rows_inserted = con.execute(
                f"insert into {target}\nselect\n    {typed_select}\n"
                f"from ({answers}) where _failed_rule is null",
                params,
            ).fetchone()[0]
            rows_quarantined = 0
            if rows_inserted != rows_read:
                rows_quarantined = con.execute(
                    f"""
                    insert into {RAW_SCHEMA}._quarantine
                    select
                        {source_lit},
                        {table_lit},
                        cast(_source_file as varchar),
                        cast(_source_row as bigint),
                        _failed_rule,
                        _failed_column,
                        _failed_value,
                        cast(to_json(struct_pack({staged_row})) as varchar),
                        $loaded_at,
                        {quote_literal(load_id)}
                    from ({answers}) where _failed_rule is not null
                    """,
                    params,
                ).fetchone()[0]
            repeats = collapse_repeats(con, target, RESPONSES, params, load_id)
            rows_loaded = rows_inserted - repeats.collapsed
            if rows_read != rows_loaded + rows_quarantined + repeats.collapsed:
                raise LoadAccountingError(
                    f"{RESPONSES.raw_table}: read {rows_read} rows but loaded {rows_loaded}, "
                    f"quarantined {rows_quarantined} and collapsed {repeats.collapsed}; "
                    "nothing was written",
                    rule="row_accounting",
                )
            result = LoadResult(
                load_id=load_id,
                source=RESPONSES.source,
                table_name=RESPONSES.name,
                raw_table=RESPONSES.raw_table,
                loaded_at=loaded_at,
                files=tuple(files),
                rows_read=rows_read,
                rows_loaded=rows_loaded,
                rows_quarantined=rows_quarantined,
                seconds=time.perf_counter() - started,
                rows_collapsed=repeats.collapsed,
                rows_conflicting=repeats.conflicting,
            )
            if delta is not None:
                record_loaded_files(con, RESPONSES, delta, load_id)
            write_load_audit(con, result, "replace")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except duckdb.Error as error:
        file_list = ", ".join(files)
        raise SurveySourceError(
            f"could not load {RESPONSES.raw_table} from {file_list or 'no files'}: {error}",
            source_file=file_list or None,
        ) from error
    finally:
        con.execute(f"drop table if exists {_WIDE_TABLE}")
    return result
