"""What `make run` prints of a run's events: a line per step, failed checks, the root cause last.

Kept apart from the launching (orchestration/launch.py) so it can be fed the event records of
any finished run, in the launcher or in a test, and print the same lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import dagster as dg
from dagster._core.events import DagsterEventType


@dataclass
class StepProgress:
    started: float | None = None
    assets: int = 0  # assets the step materialized
    tables: int = 0  # those that carry a row count
    rows: int = 0
    seen: set[str] = field(default_factory=set)
    """Assets counted already: a run over several school-year partitions materializes each
    partitioned asset once per year, with the same table and row count."""

    def counts(self) -> str:
        """', 6 tables, 17,178 rows' for tables; ', 2 outputs' for files, sites, releases."""
        if self.tables:
            return f", {_plural(self.tables, 'table')}, {_plural(self.rows, 'row')}"
        if self.assets:
            return f", {_plural(self.assets, 'output')}"
        return ""


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


@dataclass
class CheckFailure:
    asset: str
    check: str
    severity: str
    summary: str

    def line(self) -> str:
        return f"check {self.asset} {self.check} ({self.severity}){self.summary}"


@dataclass
class StepFailure:
    step: str
    message: str
    details: dict[str, str] = field(default_factory=dict)


class RunFollower:
    """Turns a run's event log entries, in order, into the lines a data engineer reads."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, *, verbose: bool, out) -> None:
        self.instance = instance
        self.run_id = run_id
        self.verbose = verbose
        self.out = out
        self.steps: dict[str, StepProgress] = {}
        self.finished: list[str] = []
        self.failures: list[StepFailure] = []
        self.check_failures: list[CheckFailure] = []
        self._planned: list[str] | None = None

    # -- events ----------------------------------------------------------------------------

    def handle(self, entry) -> None:
        if self.verbose:
            level = logging.getLevelName(entry.level)
            self._print(f"  {level} {entry.step_key or '-'}: {entry.message}")
        event = entry.dagster_event
        if event is None:
            return
        kind, step = event.event_type, event.step_key
        if kind == DagsterEventType.STEP_START:
            self.steps.setdefault(step, StepProgress()).started = entry.timestamp
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            progress = self.steps.setdefault(step, StepProgress())
            asset = event.asset_key.to_user_string() if event.asset_key else ""
            if asset in progress.seen:
                return
            progress.seen.add(asset)
            progress.assets += 1
            row_count = event.event_specific_data.materialization.metadata.get("dagster/row_count")
            if row_count is not None and isinstance(row_count.value, int):
                progress.tables += 1
                progress.rows += row_count.value
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self._check_failed(evaluation)
        elif kind == DagsterEventType.STEP_UP_FOR_RETRY:
            self._print(f"       {step}: failed, will be retried (an error a retry can pass)")
        elif kind == DagsterEventType.STEP_SUCCESS:
            self._step_done(step, entry.timestamp, "done")
        elif kind == DagsterEventType.STEP_FAILURE:
            self.failures.append(_failure_of(step, event.event_specific_data))
            self._step_done(step, entry.timestamp, "FAILED")

    def _check_failed(self, evaluation) -> None:
        severity = evaluation.severity.value if evaluation.severity else "ERROR"
        metadata = evaluation.metadata or {}
        shown = [
            f"{name}={value.value}"
            for name, value in metadata.items()
            if name in ("message", "failed_blocking", "failed_warning")
            or name.endswith("_passed")
            and value.value is False
        ]
        failure = CheckFailure(
            evaluation.asset_key.to_user_string(),
            evaluation.check_name,
            severity,
            f": {', '.join(shown)}" if shown else "",
        )
        self.check_failures.append(failure)
        self._print(f"       {failure.line()}")

    def _step_done(self, step: str, timestamp: float, outcome: str) -> None:
        self.finished.append(step)
        progress = self.steps.get(step, StepProgress())
        seconds = timestamp - progress.started if progress.started else 0.0
        total = len(self.planned_steps()) or "?"
        self._print(
            f"[{len(self.finished)}/{total}] {step}: {outcome} {seconds:.1f} s{progress.counts()}"
        )

    # -- the end ---------------------------------------------------------------------------

    def planned_steps(self) -> list[str]:
        if self._planned is None:
            run = self.instance.get_run_by_id(self.run_id)
            snapshot_id = run.execution_plan_snapshot_id if run else None
            if snapshot_id is None:
                return []
            plan = self.instance.get_execution_plan_snapshot(snapshot_id)
            self._planned = [step.key for step in plan.steps]
        return self._planned

    def finish(self, run) -> bool:
        """Print the run's outcome, the root cause last when it failed; True on success."""
        succeeded = run.status == dg.DagsterRunStatus.SUCCESS
        if succeeded:
            warned = len(self.check_failures)
            self._print(
                f"run {self.run_id} succeeded" + (f" ({warned} check(s) warned)" if warned else "")
            )
            return True
        not_run = [step for step in self.planned_steps() if step not in self.finished]
        self._print(f"run {self.run_id} {run.status.value.lower()}")
        if not_run:
            self._print(f"not run because of it: {', '.join(not_run)}")
        blocking = [c for c in self.check_failures if c.severity == "ERROR"]
        if self.failures:
            root = self.failures[0]
            self._print(f"ROOT CAUSE: step {root.step} failed: {root.message}")
            for name, value in root.details.items():
                self._print(f"  {name}: {value}")
        elif blocking:
            self._print("ROOT CAUSE: blocking checks failed:")
            for failure in blocking:
                self._print(f"  {failure.line()}")
        else:
            self._print("ROOT CAUSE: no step failed; see the run in the Dagster UI (`make ui`)")
        return False

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def _failure_of(step: str, data) -> StepFailure:
    """A failed step's message: a dg.Failure's description and metadata (source, rule, file),
    else the innermost error of the chain, which names what broke rather than where."""
    user = getattr(data, "user_failure_data", None)
    if user is not None and user.description:
        details = {name: str(value.value) for name, value in (user.metadata or {}).items()}
        return StepFailure(step, user.description, details)
    error = data.error
    while error is not None and error.cause is not None:
        error = error.cause
    message = f"{error.cls_name}: {error.message.strip()}" if error else "unknown error"
    return StepFailure(step, message)
