"""The nightly schedule: the full refresh after the sources' nightly drops have landed."""

import dagster as dg

from orchestration.jobs import full_refresh_job
from orchestration.settings import RunSettings


def build_nightly_schedule(settings: RunSettings) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_full_refresh",
        job=full_refresh_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Nightly refresh (NIGHTLY_CRON, default 02:00 in DISTRICT_TIMEZONE).",
    )
