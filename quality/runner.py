"""Run GX suites inside the DuckDB warehouse and summarize them for asset checks.

GX is imported here, lazily, because it costs seconds to import: nothing that only loads the
Dagster definitions pays for it. One file-backed GX context per run holds every suite and
validation, so one Data Docs site shows the whole night's results.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from quality.duckdb_dialect import warehouse_url
from quality.suites.raw import ERROR, Rule

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class RuleOutcome:
    description: str
    expectation: str
    severity: str
    success: bool
    unexpected_count: int | None
    examples: list = field(default_factory=list)
    error: str | None = None
    query: str | None = None


@dataclass(frozen=True)
class TableOutcome:
    """The result of one table's suite: what a Dagster asset check reports."""

    schema: str
    table: str
    outcomes: list[RuleOutcome]
    data_docs_path: Path | None

    @property
    def blocking_failures(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == ERROR]

    @property
    def warnings(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != ERROR]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures


class SuiteRunner:
    """Validates warehouse tables with GX; `root` holds the GX project and its Data Docs."""

    def __init__(self, warehouse_path: Path, root: Path) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        root.mkdir(parents=True, exist_ok=True)
        self._gx = gx
        self.context = gx.get_context(mode="file", project_root_dir=str(root))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        name = "warehouse"
        # Absent on the first run; GX raises several exception types for that.
        with contextlib.suppress(Exception):
            self.context.data_sources.delete(name)
        self.datasource = self.context.data_sources.add_sql(
            name=name, connection_string=warehouse_url(warehouse_path)
        )
        self.root = root
        self.warehouse_path = warehouse_path

    def _suite(self, name: str, rules: list[Rule]):
        import great_expectations.expectations as gxe

        from quality.expectations import PROJECT_EXPECTATIONS

        suite = self._gx.ExpectationSuite(name=name)
        for rule in rules:
            expectation_class = PROJECT_EXPECTATIONS.get(rule.expectation) or getattr(
                gxe, rule.expectation
            )
            expectation = expectation_class(
                **rule.kwargs,
                meta={"severity": rule.severity, "description": rule.description},
            )
            suite.add_expectation(expectation)
        return self.context.suites.add_or_update(suite)

    def _batch_definition(self, schema: str, table: str):
        asset_name = f"{schema}.{table}"
        try:
            asset = self.datasource.get_asset(asset_name)
        except LookupError:
            asset = self.datasource.add_table_asset(
                name=asset_name, table_name=table, schema_name=schema
            )
        try:
            return asset.get_batch_definition("whole_table")
        except KeyError:
            return asset.add_batch_definition_whole_table("whole_table")

    def validate(self, schema: str, table: str, rules: list[Rule]) -> TableOutcome:
        """Validate one table; see `validate_many`."""
        return self.validate_many(schema, {table: rules})[table]

    def validate_many(
        self,
        schema: str,
        rules_by_table: dict[str, list[Rule]],
    ) -> dict[str, TableOutcome]:
        """Validate several tables in one GX checkpoint, so Data Docs are rebuilt once.

        Example rows are at most ten failing values (or rows) per expectation.
        """
        definitions = []
        for table, rules in rules_by_table.items():
            suite = self._suite(f"{schema}.{table}", rules)
            definitions.append(
                self.context.validation_definitions.add_or_update(
                    self._gx.ValidationDefinition(
                        name=f"validate {schema}.{table}",
                        data=self._batch_definition(schema, table),
                        suite=suite,
                    )
                )
            )
        checkpoint = self.context.checkpoints.add_or_update(
            self._gx.Checkpoint(
                name=f"check {schema}: {', '.join(rules_by_table)}"[:200],
                validation_definitions=definitions,
                actions=[self._gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
                result_format={
                    "result_format": "SUMMARY",
                    "partial_unexpected_count": MAX_EXAMPLES,
                },
            )
        )
        run = checkpoint.run()
        outcomes: dict[str, TableOutcome] = {}
        for table, validation in zip(rules_by_table, run.run_results.values(), strict=True):
            results = [_rule_outcome(r) for r in validation.results]
            outcomes[table] = TableOutcome(
                schema,
                table,
                self._with_query_examples(schema, table, results),
                self.data_docs_index,
            )
        return outcomes

    def _with_query_examples(
        self, schema: str, table: str, results: list[RuleOutcome]
    ) -> list[RuleOutcome]:
        """Add up to ten offending rows to failed SQL-query rules.

        GX's summary format reports only the count for query expectations (its complete format
        would ship every offending row), so the examples are read here with a LIMIT.
        """
        failed = [r for r in results if not r.success and r.query and not r.examples]
        if not failed:
            return results
        import dataclasses

        import duckdb

        con = duckdb.connect(str(self.warehouse_path), read_only=True)
        try:
            examples = {}
            for rule in failed:
                sql = rule.query.replace("{batch}", f"(select * from {schema}.{table}) as batch")
                cursor = con.execute(f"select * from ({sql}) limit {MAX_EXAMPLES}")
                names = [d[0] for d in cursor.description]
                examples[id(rule)] = [
                    _jsonable(dict(zip(names, row, strict=True))) for row in cursor.fetchall()
                ]
        finally:
            con.close()
        return [dataclasses.replace(r, examples=examples.get(id(r), r.examples)) for r in results]

    @property
    def data_docs_index(self) -> Path:
        return self.root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _rule_outcome(result) -> RuleOutcome:
    meta = result.expectation_config.meta or {}
    details = result.result or {}
    examples = (
        details.get("partial_unexpected_list")
        or details.get("details", {}).get("unexpected_rows")
        or []
    )[:MAX_EXAMPLES]
    return RuleOutcome(
        description=meta.get("description", result.expectation_config.type),
        expectation=result.expectation_config.type,
        severity=meta.get("severity", ERROR),
        success=bool(result.success),
        unexpected_count=details.get("unexpected_count", details.get("observed_value")),
        examples=[_jsonable(e) for e in examples],
        error=_exception_message(result.exception_info),
        query=result.expectation_config.kwargs.get("unexpected_rows_query"),
    )


def _exception_message(info) -> str | None:
    """GX nests exception details per metric; the first message is the one worth showing."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return info.get("exception_message")
    for value in info.values():
        message = _exception_message(value)
        if message:
            return message
    return None


def _jsonable(value):
    """Example rows come back as GX row objects or dicts of database types; make them JSON-safe."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def close_runner(runner: SuiteRunner) -> None:
    """Release the warehouse file: DuckDB lets one process write it, and dbt runs next."""
    runner.datasource.get_engine().dispose()
