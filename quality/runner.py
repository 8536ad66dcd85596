"""Run GX suites inside the DuckDB warehouse and summarize them for asset checks.

GX is imported here, lazily, because it costs seconds to import: nothing that only loads the
Dagster definitions pays for it. One file-backed GX context per run holds every suite and
validation, so one Data Docs site shows the whole night's results.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from quality.duckdb_dialect import warehouse_url
from quality.suites.raw import ERROR, Rule

MAX_EXAMPLES = 10
DATA_DOCS_MODES = ("problems", "all", "off")
"""Which validation results get a Data Docs page (`QUALITY_DATA_DOCS`, default `problems`):
those with a failed or warned rule (the pages a data engineer opens after a bad night; every
result is also in the Dagster asset check's metadata), every result (about half a second of
rendering per table, over a minute a night at Los Angeles size), or none."""
DEFAULT_HISTORY_DAYS = 30
"""Validation results kept (`QUALITY_HISTORY_DAYS`): the Data Docs index re-reads all of them."""


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


def _keep_spark_connect_out_of_an_uninitialised_main() -> None:
    """Make `pyspark.sql.connect` unimportable when `__main__` has neither spec nor file.

    GX's compatibility layer tries `import pyspark.sql.connect.dataframe` (pyspark is installed
    for the Spark portability tests). That package's `__init__` takes a `__main__` without
    `__spec__` or `__file__` for a doctest run and calls `sys.exit(0)`, and Dagster's run worker
    (`dagster api execute_run`, how `make run` and the UI launch runs) has exactly such a main
    module: the raw checks' step ended with "SystemExit: 0". With the module marked missing,
    GX's `try: ... except ImportError` takes its no-Spark path. Processes with an ordinary main
    module (pytest, `python -m`, the Spark tests) are left alone.
    """
    main = sys.modules.get("__main__")
    uninitialised = main is not None and main.__spec__ is None and not hasattr(main, "__file__")
    if uninitialised and not hasattr(sys, "ps1") and "pyspark.sql.connect" not in sys.modules:
        sys.modules["pyspark.sql.connect"] = None


class SuiteRunner:
    """Validates warehouse tables with GX; `root` holds the stored results and Data Docs.

    The GX context is ephemeral, with two stores on disk: the validation results and the Data
    Docs site, the only parts read after the run. The datasource, its table assets, the suites,
    validation definitions and checkpoints are rebuilt from code every run anyway (the suites
    come from the contracts); a file-backed context would rewrite its YAML project file for
    each table asset added, which cost more than validating a small table.

    `data_docs` says which validation results get a Data Docs page (`DATA_DOCS_MODES`); the
    index lists the pages that exist. Validation results older than `history_days` are pruned
    when the runner starts, so neither the store nor the index grows without bound.
    """

    def __init__(
        self,
        warehouse_path: Path,
        root: Path,
        data_docs: str | None = None,
        history_days: int | None = None,
    ) -> None:
        _keep_spark_connect_out_of_an_uninitialised_main()
        import great_expectations as gx

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        root.mkdir(parents=True, exist_ok=True)
        self.data_docs = data_docs_mode(data_docs)
        prune_validation_history(root, history_days_setting(history_days))
        self._gx = gx
        self.context = gx.get_context(project_config=_context_config(root))
        self.datasource = self.context.data_sources.add_sql(
            name="warehouse", connection_string=warehouse_url(warehouse_path)
        )
        self.root = root
        self.warehouse_path = warehouse_path

    def _suite(self, name: str, rules: list[Rule]):
        """The suite, saved once with all its expectations (adding them one by one to a saved
        suite rewrites its file for each)."""
        import great_expectations.expectations as gxe

        from quality.expectations import PROJECT_EXPECTATIONS

        expectations = []
        for rule in rules:
            expectation_class = PROJECT_EXPECTATIONS.get(rule.expectation) or getattr(
                gxe, rule.expectation
            )
            expectations.append(
                expectation_class(
                    **rule.kwargs,
                    meta={"severity": rule.severity, "description": rule.description},
                )
            )
        return self.context.suites.add_or_update(
            self._gx.ExpectationSuite(name=name, expectations=expectations)
        )

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
        """Validate one table; see `validate_relations`."""
        return self.validate_relations({(schema, table): rules})[(schema, table)]

    def validate_many(
        self, schema: str, rules_by_table: dict[str, list[Rule]]
    ) -> dict[str, TableOutcome]:
        """Validate several tables of one schema; see `validate_relations`."""
        outcomes = self.validate_relations(
            {(schema, table): rules for table, rules in rules_by_table.items()}
        )
        return {table: outcome for (_, table), outcome in outcomes.items()}

    def validate_relations(
        self, rules_by_relation: dict[tuple[str, str], list[Rule]]
    ) -> dict[tuple[str, str], TableOutcome]:
        """Validate several `(schema, table)` relations in one GX checkpoint.

        Example rows are at most ten failing values (or rows) per expectation. Data Docs are
        rendered once for the checkpoint, for the results the `data_docs` mode selects.
        """
        definitions = []
        for (schema, table), rules in rules_by_relation.items():
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
        names = ", ".join(f"{schema}.{table}" for schema, table in rules_by_relation)
        checkpoint = self.context.checkpoints.add_or_update(
            self._gx.Checkpoint(
                name=f"check {names}"[:200],
                validation_definitions=definitions,
                result_format={
                    "result_format": "SUMMARY",
                    "partial_unexpected_count": MAX_EXAMPLES,
                },
            )
        )
        run = checkpoint.run()
        self._render_data_docs(run.run_results)
        outcomes: dict[tuple[str, str], TableOutcome] = {}
        for relation, validation in zip(rules_by_relation, run.run_results.values(), strict=True):
            results = [_rule_outcome(r) for r in validation.results]
            outcomes[relation] = TableOutcome(
                *relation,
                self._with_query_examples(*relation, results),
                self.data_docs_index,
            )
        return outcomes

    def _render_data_docs(self, run_results: dict) -> None:
        """Render the pages the mode selects, then the index of every page kept."""
        if self.data_docs == "off":
            return
        selected = [
            identifier
            for identifier, validation in run_results.items()
            if self.data_docs == "all" or not validation.success
        ]
        if selected or not self.data_docs_index.exists():
            from great_expectations.data_context.types.resource_identifiers import (
                ExpectationSuiteIdentifier,
            )

            # An empty list would render every stored result and suite: name a suite that
            # does not exist, so only the index is written.
            nothing = [ExpectationSuiteIdentifier(name="__index_only__")]
            self.context.build_data_docs(resource_identifiers=selected or nothing)

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

        # The engine's own connection: DuckDB refuses a second one to the same file with
        # other settings while the engine holds its connection open.
        examples = {}
        with self.datasource.get_engine().connect() as con:
            for rule in failed:
                sql = rule.query.replace("{batch}", f"(select * from {schema}.{table}) as batch")
                result = con.exec_driver_sql(f"select * from ({sql}) limit {MAX_EXAMPLES}")
                names = list(result.keys())
                examples[id(rule)] = [
                    _jsonable(dict(zip(names, row, strict=True))) for row in result.fetchall()
                ]
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


def _context_config(root: Path):
    """An in-memory GX project whose validation results and Data Docs site live under `root`."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        ProgressBarsConfig,
    )

    def in_memory(store_class: str) -> dict:
        return {"class_name": store_class, "store_backend": {"class_name": "InMemoryStoreBackend"}}

    def on_disk(folder: Path) -> dict:
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)}

    uncommitted = root / "gx" / "uncommitted"
    return DataContextConfig(
        stores={
            "expectations_store": in_memory("ExpectationsStore"),
            "checkpoint_store": in_memory("CheckpointStore"),
            "validation_definition_store": in_memory("ValidationDefinitionStore"),
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": on_disk(uncommitted / "validations"),
            },
        },
        expectations_store_name="expectations_store",
        checkpoint_store_name="checkpoint_store",
        validation_results_store_name="validation_results_store",
        data_docs_sites={
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": on_disk(uncommitted / "data_docs" / "local_site"),
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        progress_bars=ProgressBarsConfig(globally=False),
    )


def data_docs_mode(value: str | None = None) -> str:
    mode = (value or os.environ.get("QUALITY_DATA_DOCS") or "problems").strip().lower()
    if mode not in DATA_DOCS_MODES:
        raise ValueError(
            f"QUALITY_DATA_DOCS={mode!r}: expected one of {', '.join(DATA_DOCS_MODES)}"
        )
    return mode


def history_days_setting(value: int | None = None) -> int:
    if value is not None:
        return value
    return int(os.environ.get("QUALITY_HISTORY_DAYS") or DEFAULT_HISTORY_DAYS)


def prune_validation_history(root: Path, days: int, now: float | None = None) -> int:
    """Delete stored validation results older than `days`; returns how many were deleted.

    Their Data Docs pages go at the next build: the index drops pages whose result is gone.
    """
    results = root / "gx" / "uncommitted" / "validations"
    if not results.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86_400
    deleted = 0
    for path in results.rglob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink()
            deleted += 1
    for folder in sorted(results.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return deleted


_RUNNERS: dict[tuple[Path, Path], SuiteRunner] = {}


def shared_runner(warehouse_path: Path, root: Path) -> SuiteRunner:
    """One runner per warehouse and GX project for the whole process.

    Every check step of a run executes in one process (the in-process executor): the GX
    context, its datasource and suites are set up once rather than per step.
    """
    key = (Path(warehouse_path).resolve(), Path(root).resolve())
    if key not in _RUNNERS:
        _RUNNERS[key] = SuiteRunner(Path(warehouse_path), Path(root))
    return _RUNNERS[key]


def close_runner(runner: SuiteRunner) -> None:
    """Release the warehouse file: DuckDB lets one process write it, and dbt runs next.

    The engine's connection is closed; the runner stays usable and reconnects when it next
    validates, seeing whatever the warehouse then holds.
    """
    # The datasource and the execution engine GX validates through each hold an engine.
    runner.datasource.get_engine().dispose()
    runner.datasource.get_execution_engine().engine.dispose()
    restrict_to_owner(runner.root)


def restrict_to_owner(root: Path) -> None:
    """Make the stored validation results and Data Docs owner-only (0600 files, 0700 folders).

    GX keeps up to ten failing values per rule in both, and those are student-level: they
    belong to the restricted layer with the warehouse, readable by the account that runs the
    pipeline (the data engineer who follows the Data Docs link), not by every account.
    """
    root = Path(root)
    if not root.exists():
        return
    os.chmod(root, 0o700)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            os.chmod(Path(folder) / name, 0o700)
        for name in files:
            os.chmod(Path(folder) / name, 0o600)
