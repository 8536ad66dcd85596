"""The one loader every source uses: all-text staged rows in, typed raw table out.

Each source module only has to stage its delivery as a DuckDB view of VARCHAR columns named as
in the contract, plus `_source_file` and `_source_row` (and `_drop_date` for SIS). This module
then does the same thing for every source, entirely in set-based SQL inside DuckDB:

1. Empty strings become NULL (or `NR`, "not reported", in the contract's `not_reported` code
   columns), and every column is TRY_CAST to its contract type.
2. A row is rejected when a `required` column is empty (rule `required_missing`), a non-empty
   value fails its cast (rule `invalid_<type>`, e.g. `invalid_date`), or a typed value is
   impossible for its column (a value rule from `value_rules.py`, e.g. `negative_minutes`), or
   its parent row is not loaded (`parent_rules.py`: `parent_quarantined`, `missing_parent`).
   Rejected rows go to `raw._quarantine` with the *first* failing check, taking columns in
   contract order and, within a column, the required check, then the cast check, then the value
   rules. The whole staged row is kept as JSON in `raw_record`, so nothing the source sent is
   lost.
3. Every other row goes to `raw.<source>__<table>`: contract columns in contract order, then the
   lineage columns. Rows of the load repeating a key are collapsed to one (`repeats.py`).
4. The load is recorded in `raw._load_audit` (with any warnings the source raised, such as an
   extra column it ignored), and rows_read == rows_loaded + rows_quarantined + rows_collapsed
   is checked before
   the transaction commits. A source's `before_commit` step (advancing an incremental cursor)
   runs inside the same transaction, so a cursor can never move past data that was not loaded.

Loads replace the table and the table's earlier quarantine rows in one transaction, so loading
the same input twice leaves the same raw table (only `_loaded_at` moves). A `merge` mode, for
incremental pulls, instead replaces rows by the contract key and keeps earlier quarantine rows.
File sources pass a `FileDelta` (file_delta.py): only changed files are staged, and their
earlier rows and quarantine rows are replaced.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from ingestion.common.errors import LoadAccountingError, SourceError
from ingestion.common.file_delta import FileDelta, record_loaded_files
from ingestion.common.parent_rules import ParentRule, parent_rules_for
from ingestion.common.repeats import collapse_repeats
from ingestion.common.value_rules import render_condition, value_rules_for
from ingestion.common.warehouse import RAW_SCHEMA, ensure_raw_schema
from ingestion.contracts import NOT_REPORTED, TableContract, lineage_columns
from warehouse.sql import quote_identifier, quote_literal

WriteMode = Literal["replace", "merge"]
"""How a load without a file delta writes: replace the table, or replace rows by key."""
logger = logging.getLogger(__name__)

# A timestamp string that carries its own offset (`Z`, `+02`, `-07:00`, `+0530`) after the time.
# Those are cast as TIMESTAMPTZ directly; strings without an offset are read as UTC wall-clock
# time, whatever the session time zone is, because the contract says timestamps are UTC.
_HAS_UTC_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$"
# Integers must look like integers: TRY_CAST('1.5' AS INTEGER) rounds to 2, which would
# silently change a value. `1.0` is accepted because databases hand back whole REALs that way.
_INTEGER_TEXT = r"[+-]?\d+(\.0*)?"


@dataclass(frozen=True)
class LoadResult:
    """What one load of one raw table did; the same figures as its `raw._load_audit` row."""

    load_id: str
    source: str
    table_name: str
    raw_table: str
    loaded_at: datetime
    files: tuple[str, ...]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    seconds: float
    warnings: tuple[str, ...] = ()
    rows_collapsed: int = 0
    rows_conflicting: int = 0

    def as_metadata(self) -> dict[str, object]:
        """Plain values suitable for an orchestrator's run metadata."""
        return {
            "load_id": self.load_id,
            "raw_table": f"{RAW_SCHEMA}.{self.raw_table}",
            "files": len(self.files),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "rows_collapsed": self.rows_collapsed,
            "rows_conflicting": self.rows_conflicting,
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
        }


def cast_expression(value_sql: str, duckdb_type: str) -> str:
    """SQL that turns a text value into `duckdb_type`, or NULL when it does not fit."""
    kind = duckdb_type.upper()
    if kind == "VARCHAR":
        return value_sql
    if kind in ("INTEGER", "BIGINT", "SMALLINT"):
        return (
            f"case when regexp_full_match(trim({value_sql}), '{_INTEGER_TEXT}') "
            f"then try_cast(trim({value_sql}) as {kind}) end"
        )
    if kind == "TIMESTAMPTZ":
        return (
            f"case when regexp_matches(trim({value_sql}), '{_HAS_UTC_OFFSET}') "
            f"then try_cast(trim({value_sql}) as timestamptz) "
            f"else timezone('UTC', try_cast(trim({value_sql}) as timestamp)) end"
        )
    return f"try_cast(trim({value_sql}) as {kind})"


@dataclass(frozen=True)
class RowCheck:
    """A row rejected when `condition_sql` holds: reported as `rule` on `column`.

    `offending_sql` gives the offending value (text). Sources pass their own checks to
    `load_typed(source_checks=...)`, e.g. an Ed-Fi descriptor with no mapping; they are
    evaluated before the contract's checks.
    """

    condition_sql: str
    rule: str
    column: str
    offending_sql: str
    is_implied: bool = False
    """True when a later check fails on every row this one fails (it only names the reason)."""


_Check = RowCheck


def _text_value(column: str) -> str:
    """A staged column as text with empty strings turned into NULL."""
    return f"nullif(cast({quote_identifier(column)} as varchar), '')"


def _typed_column(column: str) -> str:
    """A column's typed value, cast once per row in the typed view (`_typed_view_sql`)."""
    return quote_identifier(f"_typed__{column}")


def _typed_view_sql(contract: TableContract, staged_view: str) -> str:
    """The staged rows with every contract column also cast to its type, once.

    The checks and the insert read these typed columns instead of casting again per check.
    """
    typed = ", ".join(
        f"{cast_expression(_text_value(column), kind)} as {_typed_column(column)}"
        for column, kind in contract.columns.items()
    )
    return f"select *, {typed} from {staged_view}"


def _checks(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    timezone: str,
    parent_rules: Sequence[ParentRule] = (),
) -> list[_Check]:
    """The row checks in the order that decides which failure a quarantined row reports.

    Every column's own checks come first; the parent rules (is the row's student loaded?) last,
    so a row that is wrong in itself reports that, not its parent.
    """
    checks: list[_Check] = []
    for column, duckdb_type in contract.columns.items():
        value = _text_value(column)
        if column in contract.required:
            checks.append(_Check(f"{value} is null", "required_missing", column, "null"))
        typed = _typed_column(column)
        if duckdb_type.upper() != "VARCHAR":
            checks.append(
                _Check(
                    f"({value} is not null and {typed} is null)",
                    f"invalid_{duckdb_type.lower()}",
                    column,
                    value,
                )
            )
        for rule in value_rules_for(contract.raw_table, column):
            checks.append(
                _Check(
                    render_condition(con, rule, typed, _typed_column, timezone),
                    rule.rule,
                    column,
                    value,
                )
            )
    for parent_rule in parent_rules:
        value = _text_value(parent_rule.column)
        checks.append(
            _Check(
                parent_rule.condition_sql.format(value=value),
                parent_rule.rule,
                parent_rule.column,
                value,
                is_implied=parent_rule.rule == "parent_quarantined",
            )
        )
    return checks


def write_load_audit(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    write_mode: str,
) -> None:
    """Record one load in `raw._load_audit`, with the rows its table holds afterwards."""
    table_rows = con.execute(
        f"select count(*) from {RAW_SCHEMA}.{quote_identifier(result.raw_table)}"
    ).fetchone()[0]
    con.execute(
        f"insert into {RAW_SCHEMA}._load_audit (load_id, source, table_name, loaded_at, files, "
        "rows_read, rows_loaded, rows_quarantined, seconds, warnings, write_mode, table_rows, "
        "rows_collapsed) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.load_id,
            result.source,
            result.table_name,
            result.loaded_at,
            list(result.files),
            result.rows_read,
            result.rows_loaded,
            result.rows_quarantined,
            result.seconds,
            list(result.warnings),
            write_mode,
            table_rows,
            result.rows_collapsed,
        ],
    )


def record_unchanged_load(
    con: duckdb.DuckDBPyConnection, contract: TableContract, files: Sequence[str]
) -> LoadResult:
    """Record that a table's files are the ones already loaded: nothing read, nothing changed.

    The audit row keeps the nightly record complete (every table has a load every night) and
    tells the checks that no row of the table is new.
    """
    ensure_raw_schema(con)
    result = LoadResult(
        load_id=str(uuid.uuid4()),
        source=contract.source,
        table_name=contract.name,
        raw_table=contract.raw_table,
        loaded_at=datetime.now(UTC),
        files=(),
        rows_read=0,
        rows_loaded=0,
        rows_quarantined=0,
        seconds=0.0,
        warnings=(f"unchanged: {len(files)} file(s) as already loaded",),
    )
    write_load_audit(con, result, "unchanged")
    return result


def raw_table_ddl(contract: TableContract) -> str:
    """Column definitions of a raw table: contract columns, then the source's lineage columns."""
    columns = {**contract.columns, **lineage_columns(contract.source)}
    return ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in columns.items())


def _typed_value(contract: TableContract, column: str) -> str:
    """A column's typed value; an empty `not_reported` code column loads as `NR`."""
    typed = _typed_column(column)
    if column in contract.not_reported:
        return f"coalesce({typed}, {quote_literal(NOT_REPORTED)})"
    return typed


def _typed_select_list(contract: TableContract) -> str:
    parts = [
        f"{_typed_value(contract, column)} as {quote_identifier(column)}"
        for column in contract.columns
    ]
    parts.append("cast(_source_file as varchar) as _source_file")
    parts.append("cast(_source_row as bigint) as _source_row")
    parts.append("$loaded_at as _loaded_at")
    if "_drop_date" in lineage_columns(contract.source):
        parts.append("cast(_drop_date as date) as _drop_date")
    return ",\n    ".join(parts)


def _case(checks: Sequence[_Check], then_sql: Callable[[_Check], str]) -> str:
    """A CASE that reports something about the first check a row fails."""
    if not checks:
        return "null"
    branches = " ".join(f"when {c.condition_sql} then {then_sql(c)}" for c in checks)
    return f"case {branches} end"


def load_typed(
    con: duckdb.DuckDBPyConnection,
    staged_view: str | duckdb.DuckDBPyRelation,
    contract: TableContract,
    files: Sequence[str],
    *,
    timezone: str,
    write_mode: WriteMode = "replace",
    error_type: type[SourceError] = SourceError,
    warnings: Sequence[str] = (),
    before_commit: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
    delta: FileDelta | None = None,
    source_checks: Sequence[RowCheck] = (),
) -> LoadResult:
    """Cast the staged rows of one table, quarantine the bad ones and write the raw table.

    `staged_view` is a relation of `con`, or the name of a view or table in `con`, with every
    contract column (any type; it is read as text) plus `_source_file`, `_source_row` and, for
    SIS, `_drop_date`. `files` are the lineage names of the files or pages it was built from,
    recorded in the audit row. A failure to read the staged rows (a malformed file behind the
    view) is raised as `error_type` naming the table and files, and leaves the warehouse
    unchanged.

    `warnings` are recorded with the load (audit and result). `before_commit(con, staged_view)`
    runs inside the load's transaction after the rows are written; if it raises, nothing of the
    load is kept.

    `delta` (file sources) says which files the staged rows come from: a whole load replaces
    the table; otherwise the rows earlier loaded from `delta.replaced_lineage` are deleted and
    the staged rows added (`write_mode` is then ignored). Either way `raw._loaded_files` is
    updated in the same transaction.

    `timezone` is the district's: the value rules' "today" (ingestion/common/value_rules.py).

    `source_checks` are the source's own row checks (columns of the staged view they name may
    be staging-only), checked first.
    """
    ensure_raw_schema(con)
    started = time.perf_counter()
    load_id = str(uuid.uuid4())
    if isinstance(staged_view, duckdb.DuckDBPyRelation):
        relation, staged_view = staged_view, f"_staged_relation_{load_id.replace('-', '')}"
        relation.create_view(staged_view, replace=True)
        try:
            return load_typed(
                con,
                staged_view,
                contract,
                files,
                timezone=timezone,
                write_mode=write_mode,
                error_type=error_type,
                warnings=warnings,
                before_commit=before_commit,
                delta=delta,
                source_checks=source_checks,
            )
        finally:
            con.execute(f"drop view if exists {staged_view}")
    loaded_at = datetime.now(UTC)
    target = f"{RAW_SCHEMA}.{quote_identifier(contract.raw_table)}"
    checks = [*source_checks, *_checks(con, contract, timezone, parent_rules_for(con, contract))]
    # A row fails when any check fails; checks implied by a later one (parent_quarantined by
    # missing_parent) only name the reason, so the filter leaves them out.
    any_failure = " or ".join(c.condition_sql for c in checks if not c.is_implied) or "false"
    rule_sql = _case(checks, lambda c: quote_literal(c.rule))
    column_sql = _case(checks, lambda c: quote_literal(c.column))
    offending_sql = _case(checks, lambda c: c.offending_sql)
    source_lit, table_lit = quote_literal(contract.source), quote_literal(contract.name)
    params = {"loaded_at": loaded_at}
    typed_rows = f"({_typed_view_sql(contract, staged_view)})"

    con.execute("begin transaction")
    try:
        rows_read = con.execute(f"select count(*) from {staged_view}").fetchone()[0]
        if delta is not None and not delta.is_whole:
            write_mode = "files"
            _delete_rows_from_files(con, target, contract, delta.replaced_lineage)
        elif write_mode == "replace":
            con.execute(f"create or replace table {target} ({raw_table_ddl(contract)})")
            for bookkeeping in ("_quarantine", "_collapsed_rows"):
                con.execute(
                    f"delete from {RAW_SCHEMA}.{bookkeeping} "
                    f"where source = {source_lit} and table_name = {table_lit}"
                )
        else:
            con.execute(f"create table if not exists {target} ({raw_table_ddl(contract)})")
            _delete_rows_being_replaced(con, target, typed_rows, contract, any_failure)
        rows_inserted = con.execute(
            f"insert into {target}\nselect\n    {_typed_select_list(contract)}\n"
            f"from {typed_rows}\nwhere not ({any_failure})",
            params,
        ).fetchone()[0]
        # Every row read was loaded, so none can have failed a check: skip a second scan of
        # the staged rows (on a clean nightly load that scan is the costliest part after the
        # insert). Otherwise the failing rows are quarantined and the sums must still agree.
        rows_quarantined = 0
        if rows_inserted != rows_read:
            staged_record = ", ".join(
                f"{quote_identifier(name)} := {quote_identifier(name)}"
                for name, *_ in con.execute(f"describe {staged_view}").fetchall()
            )
            rows_quarantined = con.execute(
                f"""
                insert into {RAW_SCHEMA}._quarantine
                select
                    {source_lit},
                    {table_lit},
                    cast(staged._source_file as varchar),
                    cast(staged._source_row as bigint),
                    {rule_sql},
                    {column_sql},
                    {offending_sql},
                    cast(to_json(struct_pack({staged_record})) as varchar),
                    $loaded_at,
                    {quote_literal(load_id)}
                from {typed_rows} as staged
                where {any_failure}
                """,
                params,
            ).fetchone()[0]
        repeats = collapse_repeats(con, target, contract, params, load_id)
        rows_loaded = rows_inserted - repeats.collapsed
        if repeats.conflicting:
            warnings = [
                *warnings,
                f"{repeats.conflicting} conflicting repeat(s) of a key resolved by precedence "
                "(newest drop, most severe, newest change, last row); see raw._collapsed_rows",
            ]
        if rows_read != rows_loaded + rows_quarantined + repeats.collapsed:
            raise LoadAccountingError(
                f"{contract.raw_table}: read {rows_read} rows but loaded {rows_loaded}, "
                f"quarantined {rows_quarantined} and collapsed {repeats.collapsed}; "
                "nothing was written",
                rule="row_accounting",
            )
        if before_commit is not None:
            before_commit(con, staged_view)
        if delta is not None:
            record_loaded_files(con, contract, delta, load_id)
        result = LoadResult(
            load_id=load_id,
            source=contract.source,
            table_name=contract.name,
            raw_table=contract.raw_table,
            loaded_at=loaded_at,
            files=tuple(files),
            rows_read=rows_read,
            rows_loaded=rows_loaded,
            rows_quarantined=rows_quarantined,
            seconds=time.perf_counter() - started,
            warnings=tuple(warnings),
            rows_collapsed=repeats.collapsed,
            rows_conflicting=repeats.conflicting,
        )
        write_load_audit(con, result, write_mode)
        con.execute("commit")
        for warning in warnings:
            logger.warning("%s: %s", contract.raw_table, warning)
    except duckdb.Error as error:
        con.execute("rollback")
        raise error_type(
            f"could not load {contract.raw_table} from {', '.join(files) or 'no files'}: {error}",
            source_file=", ".join(files) or None,
        ) from error
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _delete_rows_from_files(
    con: duckdb.DuckDBPyConnection,
    target: str,
    contract: TableContract,
    lineage: Sequence[str],
) -> None:
    """Remove the raw and quarantined rows that earlier loads took from these files."""
    con.execute(f"create table if not exists {target} ({raw_table_ddl(contract)})")
    if not lineage:
        return
    names = list(lineage)
    con.execute(f"delete from {target} where list_contains(?, _source_file)", [names])
    for bookkeeping in ("_quarantine", "_collapsed_rows"):
        con.execute(
            f"delete from {RAW_SCHEMA}.{bookkeeping} where source = ? and table_name = ? "
            "and list_contains(?, source_file)",
            [contract.source, contract.name, names],
        )


def _delete_rows_being_replaced(
    con: duckdb.DuckDBPyConnection,
    target: str,
    typed_rows: str,
    contract: TableContract,
    any_failure: str,
) -> None:
    """In merge mode, remove raw rows whose key arrives again in this load's good rows."""
    key_select = ", ".join(f"{_typed_column(k)} as {quote_identifier(k)}" for k in contract.key)
    match = " and ".join(
        f"{target}.{quote_identifier(k)} = incoming.{quote_identifier(k)}" for k in contract.key
    )
    con.execute(
        f"delete from {target} using (select {key_select} from {typed_rows} "
        f"where not ({any_failure})) as incoming where {match}"
    )
