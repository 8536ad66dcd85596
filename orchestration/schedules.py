"""The two schedules: the current-year nightly on school nights, a full refresh once a week.

Both run in the district's time zone (RunSettings.timezone) and are on by default.

- `nightly_current_year` (NIGHTLY_CRON, default 02:00 Monday to Saturday): the job the nightly
  target is measured on. It loads what changed and recomputes only the current school year's
  partition (orchestration/dbt/nightly.py): the school year of the day before the tick, in the
  district's time zone (CURRENT_SCHOOL_YEAR pins it; orchestration/partitions.py).
- `weekly_full_refresh` (FULL_REFRESH_CRON, default 02:00 on Sunday): rebuilds every year. A
  current-year run cannot see a corrected history file, a changed seed or var, or a changed
  model; the weekly rebuild picks those up within a week even if nobody launches one by hand
  after a deploy.
"""

import dagster as dg

from orchestration.dbt.nightly import nightly_current_year_job
from orchestration.jobs import full_refresh_job
from orchestration.partitions import current_school_year, school_year_partitions
from orchestration.settings import RunSettings


def build_schedules(settings: RunSettings) -> list[dg.ScheduleDefinition]:
    """The nightly (one school-year partition per tick) and the weekly full refresh."""

    @dg.schedule(
        name="nightly_current_year",
        job=nightly_current_year_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            f"Current-year refresh (NIGHTLY_CRON {settings.nightly_cron!r}, "
            f"{settings.timezone}): the partition of the school year of the day before."
        ),
    )
    def nightly_current_year(context: dg.ScheduleEvaluationContext):
        tick = context.scheduled_execution_time
        year = current_school_year(settings, today=tick.date() if tick else None)
        if year not in school_year_partitions.get_partition_keys():
            return dg.SkipReason(
                f"school year {year} is not a partition yet: reload the code location "
                "(orchestration/partitions.py)"
            )
        return dg.RunRequest(partition_key=year)

    return [
        nightly_current_year,
        dg.ScheduleDefinition(
            name="weekly_full_refresh",
            job=full_refresh_job,
            cron_schedule=settings.full_refresh_cron,
            execution_timezone=settings.timezone,
            default_status=dg.DefaultScheduleStatus.RUNNING,
            description=(
                f"Full refresh of every school year (FULL_REFRESH_CRON "
                f"{settings.full_refresh_cron!r}, {settings.timezone})."
            ),
        ),
    ]
