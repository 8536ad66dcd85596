"""Sensors: start the full refresh when the SIS drop has landed, and alert when a run fails.

`sis_drop_sensor` watches the SIS landing folder, or the SFTP server when SIS_SFTP_HOST is set.
A drop counts once it is complete (every contract table present) and stable (two looks at least
SIS_DROP_STABLE_SECONDS apart, on successive ticks, see the same files and sizes). Then:

- local landing folder: one `full_refresh` run with run_key = the drop date;
- SFTP: first one `sis_sftp_mirror` run that copies the drop into the landing folder (in a run,
  not in the sensor, so that a large history drop is logged and retried like any step and does
  not hold up the sensor daemon); when the mirrored drop is there, one `full_refresh` run.

The run key makes Dagster refuse a second run for the same drop even if the cursor were lost;
the cursor keeps the last drop a refresh was requested for and the pending look.

`run_failure_alert_sensor` sends every failed run of this code location to the channels
configured in `orchestration/alerts/settings.py` (email, webhook; both off when unset).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import dagster as dg

from ingestion.sis.drop_completeness import (
    DropLook,
    changed_files,
    list_local_drop,
    local_drop_folders,
    missing_tables,
)
from orchestration.alerts import (
    AlertSettings,
    FailedStep,
    FailureAlert,
    post_webhook_alert,
    send_email_alert,
)
from orchestration.jobs import full_refresh_job
from orchestration.settings import RunSettings

DROP_DATE_TAG = "district/sis_drop_date"
WAREHOUSE_TAG = "district/warehouse"
"""The tag dagster.yaml.example limits to one run at a time: the warehouse has one writer."""
MIRROR_JOB_NAME = "sis_sftp_mirror"


# -- the SIS drop sensor ---------------------------------------------------------------------


@dataclass(frozen=True)
class DropSensorState:
    """The cursor: the last drop a refresh was requested for, and the look being confirmed."""

    last_requested_date: date | None = None
    look: DropLook | None = None
    mirror_requested_date: date | None = None

    @classmethod
    def from_cursor(cls, cursor: str | None) -> DropSensorState:
        if not cursor:
            return cls()
        data = json.loads(cursor)

        def as_date(name: str) -> date | None:
            return date.fromisoformat(data[name]) if data.get(name) else None

        return cls(
            as_date("last_requested_date"),
            DropLook.from_json(data["look"]) if data.get("look") else None,
            as_date("mirror_requested_date"),
        )

    def to_cursor(self) -> str:
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        state = {
            "last_requested_date": iso(self.last_requested_date),
            "look": self.look.to_json() if self.look else None,
            "mirror_requested_date": iso(self.mirror_requested_date),
        }
        return json.dumps(state, sort_keys=True)


@dataclass(frozen=True)
class Readiness:
    """The verdict on one look at the newest drop: ready or not, why, and the look to keep."""

    is_ready: bool
    reason: str
    look: DropLook | None


def judge_drop(
    drop_date: date,
    sizes: dict[str, int],
    previous: DropLook | None,
    now: float,
    stable_seconds: float,
) -> Readiness:
    """Complete and unchanged since a look at least `stable_seconds` old → ready."""
    missing = missing_tables(sizes)
    if missing:
        return Readiness(
            False, f"SIS drop {drop_date} is incomplete: missing {', '.join(missing)}", None
        )
    if previous is None or previous.drop_date != drop_date:
        return Readiness(
            False,
            f"SIS drop {drop_date} is complete; confirming that no file "
            f"changes for {stable_seconds:g} s",
            DropLook(drop_date, dict(sizes), now),
        )
    changed = changed_files(previous.sizes, sizes)
    if changed:
        return Readiness(
            False,
            f"SIS drop {drop_date} is still being written: {', '.join(changed)} changed",
            DropLook(drop_date, dict(sizes), now),
        )
    waited = now - previous.looked_at
    if waited < stable_seconds:
        return Readiness(
            False,
            f"SIS drop {drop_date} unchanged for {waited:.0f} s of {stable_seconds:g} s",
            previous,
        )
    return Readiness(
        True, f"SIS drop {drop_date} complete and unchanged for {waited:.0f} s", previous
    )


@dg.op(
    config_schema={"up_to_drop_date": str},
    retry_policy=dg.RetryPolicy(max_retries=3, delay=60, backoff=dg.Backoff.EXPONENTIAL),
    description="Copy the SIS drops the landing folder lacks from the SFTP server, atomically.",
)
def mirror_sis_drops(context) -> None:
    from ingestion.sis.sftp import SftpSettings, SisSftpClient

    landing_dir = RunSettings.from_env().sources.sis_landing_dir
    up_to = date.fromisoformat(context.op_config["up_to_drop_date"])
    mirrored = SisSftpClient(SftpSettings.from_env()).mirror_missing_drops(landing_dir, up_to)
    for folder in mirrored:
        context.log.info(f"mirrored SIS drop {folder.name} into {folder}")
    if (
        not any(folder.name == up_to.isoformat() for folder in mirrored)
        and not (landing_dir / up_to.isoformat()).is_dir()
    ):
        raise dg.Failure(f"SIS drop {up_to} was not mirrored into {landing_dir}")


@dg.job(
    name=MIRROR_JOB_NAME,
    executor_def=dg.in_process_executor,
    description="Mirror SIS drops from the SFTP server into the landing folder.",
)
def sis_sftp_mirror_job():
    mirror_sis_drops()


def build_sis_drop_sensor(
    settings: RunSettings,
    clock: Callable[[], float] = time.time,
    today: Callable[[], date] | None = None,
) -> dg.SensorDefinition:
    """The drop sensor; `clock` and `today` are injectable so tests need not sleep or wait
    for a date.

    SIS_DROP_SENSOR_INTERVAL_SECONDS (default 120) is the tick interval and
    SIS_DROP_STABLE_SECONDS (default 60) the least time between the two matching looks.
    A folder dated after the district's today is not a drop yet (the load would refuse it
    as future_drop), so the sensor passes over it and says so.
    """
    district_today = today or settings.district_today
    interval = int(os.environ.get("SIS_DROP_SENSOR_INTERVAL_SECONDS") or 120)
    stable_seconds = float(os.environ.get("SIS_DROP_STABLE_SECONDS") or 60)
    landing_dir = settings.sources.sis_landing_dir

    @dg.sensor(
        name="sis_drop_sensor",
        jobs=[full_refresh_job, sis_sftp_mirror_job],
        minimum_interval_seconds=interval,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Full refresh once per complete, stable SIS drop (local folder or SFTP).",
    )
    def sis_drop_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        from ingestion.sis.sftp import SftpSettings

        state = DropSensorState.from_cursor(context.cursor)
        sftp_settings = SftpSettings.from_env()
        local = local_drop_folders(landing_dir)
        if sftp_settings.is_configured:
            return _evaluate_sftp(
                state, sftp_settings, local, clock(), stable_seconds, district_today()
            )
        return _evaluate_local(state, local, clock(), stable_seconds, district_today())

    return sis_drop_sensor


def _newer_than(drop_dates, last: date | None, today: date) -> date | None:
    newer = [d for d in drop_dates if (last is None or d > last) and d <= today]
    return max(newer) if newer else None


def _future_note(drop_dates, today: date) -> str:
    """The skip reason's mention of folders dated after today, if there are any."""
    future = sorted(d for d in drop_dates if d > today)
    if not future:
        return ""
    names = ", ".join(d.isoformat() for d in future)
    return f"; passed over folders dated after today ({today}): {names}"


def _refresh(drop_date: date) -> dg.SensorResult:
    """One full refresh for the drop; the cursor forgets any pending look."""
    request = dg.RunRequest(
        run_key=drop_date.isoformat(),
        job_name=full_refresh_job.name,
        tags={DROP_DATE_TAG: drop_date.isoformat(), WAREHOUSE_TAG: "duckdb"},
    )
    cursor = DropSensorState(last_requested_date=drop_date).to_cursor()
    return dg.SensorResult(run_requests=[request], cursor=cursor)


def _evaluate_local(
    state: DropSensorState, local: dict, now: float, stable_seconds: float, today: date
) -> dg.SensorResult:
    drop_date = _newer_than(local, state.last_requested_date, today)
    if drop_date is None:
        return dg.SensorResult(
            skip_reason=f"no SIS drop newer than {state.last_requested_date}"
            + _future_note(local, today),
            cursor=state.to_cursor(),
        )
    verdict = judge_drop(
        drop_date, list_local_drop(local[drop_date]), state.look, now, stable_seconds
    )
    if verdict.is_ready:
        return _refresh(drop_date)
    return dg.SensorResult(
        skip_reason=verdict.reason,
        cursor=DropSensorState(state.last_requested_date, verdict.look).to_cursor(),
    )


def _evaluate_sftp(
    state: DropSensorState,
    sftp_settings,
    local: dict,
    now: float,
    stable_seconds: float,
    today: date,
) -> dg.SensorResult:
    from ingestion.sis.sftp import SisSftpClient

    client = SisSftpClient(sftp_settings)
    remote_dates = client.drop_dates()
    drop_date = _newer_than(remote_dates, state.last_requested_date, today)
    if drop_date is None:
        return dg.SensorResult(
            skip_reason=f"no SIS drop on {sftp_settings.describe()} newer than "
            f"{state.last_requested_date}" + _future_note(remote_dates, today),
            cursor=state.to_cursor(),
        )
    if drop_date in local and not missing_tables(list_local_drop(local[drop_date])):
        return _refresh(drop_date)
    if state.mirror_requested_date == drop_date:
        return dg.SensorResult(
            skip_reason=f"waiting for the {MIRROR_JOB_NAME} run of {drop_date}",
            cursor=state.to_cursor(),
        )
    verdict = judge_drop(
        drop_date, client.look([drop_date])[drop_date], state.look, now, stable_seconds
    )
    if not verdict.is_ready:
        return dg.SensorResult(
            skip_reason=verdict.reason,
            cursor=DropSensorState(state.last_requested_date, verdict.look).to_cursor(),
        )
    mirror = dg.RunRequest(
        run_key=f"{MIRROR_JOB_NAME}:{drop_date.isoformat()}",
        job_name=MIRROR_JOB_NAME,
        run_config={
            "ops": {"mirror_sis_drops": {"config": {"up_to_drop_date": drop_date.isoformat()}}}
        },
        tags={DROP_DATE_TAG: drop_date.isoformat()},
    )
    return dg.SensorResult(
        run_requests=[mirror],
        cursor=DropSensorState(state.last_requested_date, None, drop_date).to_cursor(),
    )


# -- run-failure alerts ----------------------------------------------------------------------


def failure_alert_from_context(
    context: dg.RunFailureSensorContext, settings: AlertSettings
) -> FailureAlert:
    """What failed in a run, read from its step-failure events and its execution plan."""
    run = context.dagster_run
    assets_by_step = _assets_by_step(context.instance, run)
    steps = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error
        innermost = error
        while innermost is not None and innermost.cause is not None:
            innermost = innermost.cause
        # the innermost cause is the user's exception; Dagster's wrapper adds only "op X failed"
        message = innermost.message if innermost is not None else event.message or ""
        if innermost is not None:
            message = message.removeprefix(f"{innermost.cls_name}: ")
        steps.append(
            FailedStep(
                step_key=event.step_key or "?",
                error_class=innermost.cls_name if innermost is not None else "unknown",
                error_message=message,
                asset_keys=tuple(assets_by_step.get(event.step_key, ())),
            )
        )
    return FailureAlert(
        job_name=run.job_name,
        run_id=run.run_id,
        run_url=f"{settings.dagster_ui_url}/runs/{run.run_id}",
        run_error=context.failure_event.message or "",
        failed_steps=tuple(steps),
        tags={
            k: v
            for k, v in run.tags.items()
            if k.startswith("district/") or k in ("dagster/schedule_name", "dagster/sensor_name")
        },
    )


def _assets_by_step(instance: dg.DagsterInstance, run) -> dict[str, list[str]]:
    """Step key -> the asset keys its outputs materialize, from the stored execution plan."""
    if not run.execution_plan_snapshot_id:
        return {}
    plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    return {
        step.key: [
            output.properties.asset_key.to_user_string()
            for output in step.outputs
            if output.properties is not None and output.properties.asset_key is not None
        ]
        for step in plan.steps
    }


def build_run_failure_alert_sensor(
    send_email: Callable[[FailureAlert, AlertSettings], bool] = send_email_alert,
    post_webhook: Callable[[FailureAlert, AlertSettings], bool] = post_webhook_alert,
) -> dg.SensorDefinition:
    """The failure sensor; the senders are injectable so a test can watch what is sent."""

    @dg.run_failure_sensor(
        name="run_failure_alert_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Email and/or webhook alert for every failed run (ALERT_* variables).",
    )
    def run_failure_alert_sensor(context: dg.RunFailureSensorContext):
        settings = AlertSettings.from_env()
        if not (settings.is_email_on or settings.is_webhook_on):
            context.log.info("no alert channel configured (ALERT_SMTP_HOST, ALERT_WEBHOOK_URL)")
            return dg.SkipReason("no alert channel configured")
        alert = failure_alert_from_context(context, settings)
        errors = []
        for channel, send in (("email", send_email), ("webhook", post_webhook)):
            try:
                if send(alert, settings):
                    context.log.info(f"{channel} alert sent for run {alert.run_id}")
            except Exception as error:  # one broken channel must not silence the other
                errors.append(f"{channel}: {type(error).__name__}: {error}")
        if errors:
            raise RuntimeError(
                f"failure alert for run {alert.run_id} not delivered: " + "; ".join(errors)
            )
        return None

    return run_failure_alert_sensor


def build_sensors(settings: RunSettings) -> list[dg.SensorDefinition]:
    return [build_sis_drop_sensor(settings), build_run_failure_alert_sensor()]
