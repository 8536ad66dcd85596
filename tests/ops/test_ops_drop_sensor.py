"""The SIS drop sensor, tick by tick, on a temp landing folder and on a real SFTP server."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest
from sis_drop_folders import write_drop

from orchestration.sensors import (
    DROP_DATE_TAG,
    MIRROR_JOB_NAME,
    WAREHOUSE_TAG,
    build_sis_drop_sensor,
    sis_sftp_mirror_job,
)
from orchestration.settings import RunSettings

SFTP_VARIABLES = (
    "SIS_SFTP_HOST",
    "SIS_SFTP_PORT",
    "SIS_SFTP_USER",
    "SIS_SFTP_KEY_PATH",
    "SIS_SFTP_PASSWORD",
    "SIS_SFTP_REMOTE_DIR",
    "SIS_SFTP_KNOWN_HOSTS",
)


class FakeClock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def landing(tmp_path, monkeypatch):
    for name in SFTP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIS_DROP_STABLE_SECONDS", "60")
    monkeypatch.setenv("SIS_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tmp_path))
    (tmp_path / "landing").mkdir()
    return tmp_path / "landing"


def _sensor(clock):
    return build_sis_drop_sensor(RunSettings.from_env(), clock=clock)


def _tick(sensor, cursor):
    """One evaluation, as the daemon does it: the previous tick's cursor goes in."""
    result = sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    return result, result.cursor


def test_local_drop_runs_once_when_complete_and_stable(landing):
    clock = FakeClock()
    sensor = _sensor(clock)
    folder = write_drop(landing / "2026-03-02", leave_out=("attendance", "schools"))

    result, cursor = _tick(sensor, None)
    assert result.run_requests == []
    assert "missing schools, attendance" in result.skip_message

    write_drop(folder)
    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "confirming" in result.skip_message

    # 30 s later a file has grown: the clock of stability starts again
    clock.now += 30
    with (folder / "attendance__2025-26.csv").open("a") as handle:
        handle.write("3\n")
    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "attendance__2025-26.csv changed" in result.skip_message

    # unchanged, but only 59 s after the look that saw the new size: not yet
    clock.now += 59
    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "59 s of 60 s" in result.skip_message

    clock.now += 1
    result, cursor = _tick(sensor, cursor)
    [request] = result.run_requests
    assert request.job_name == "full_refresh"
    assert request.run_key == "2026-03-02"
    assert request.tags[DROP_DATE_TAG] == "2026-03-02"
    assert request.tags[WAREHOUSE_TAG] == "duckdb"
    assert json.loads(cursor)["last_requested_date"] == "2026-03-02"

    # the same drop again, however long it waits: skipped
    clock.now += 3600
    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "no SIS drop newer than 2026-03-02" in result.skip_message


def test_only_the_newest_drop_is_refreshed(landing):
    clock = FakeClock()
    sensor = _sensor(clock)
    write_drop(landing / "2026-03-01")
    write_drop(landing / "2026-03-03")
    (landing / ".2026-03-04.partial-x").mkdir()  # a mirror in progress is not a drop

    _, cursor = _tick(sensor, None)
    clock.now += 60
    result, cursor = _tick(sensor, cursor)
    assert [r.run_key for r in result.run_requests] == ["2026-03-03"]


def test_a_folder_dated_after_the_district_today_is_passed_over(landing):
    """A misdated export (2026-03-09 while the district's today is 2026-03-03) must not start
    a refresh the load would refuse as future_drop; the older complete drop still runs."""
    clock = FakeClock()
    sensor = build_sis_drop_sensor(
        RunSettings.from_env(), clock=clock, today=lambda: date(2026, 3, 3)
    )
    write_drop(landing / "2026-03-02")
    write_drop(landing / "2026-03-09")

    _, cursor = _tick(sensor, None)
    clock.now += 60
    result, cursor = _tick(sensor, cursor)
    assert [r.run_key for r in result.run_requests] == ["2026-03-02"]

    result, _ = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "passed over folders dated after today (2026-03-03): 2026-03-09" in (result.skip_message)


def test_no_landing_folder_is_a_skip_not_a_crash(landing):
    landing.rmdir()
    result, _ = _tick(_sensor(FakeClock()), None)
    assert result.run_requests == []
    assert "no SIS drop newer than None" in result.skip_message


def test_sftp_drop_is_mirrored_by_a_run_then_refreshed(landing, sftp_server, monkeypatch):
    for name, value in sftp_server.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SIS_DROP_STABLE_SECONDS", "60")
    remote = sftp_server.root / "outbound"
    write_drop(remote / "2026-03-01", year="2024-25")
    write_drop(remote / "2026-03-02")
    clock = FakeClock()
    sensor = _sensor(clock)

    result, cursor = _tick(sensor, None)
    assert result.run_requests == []
    assert "SIS drop 2026-03-02 is complete; confirming" in result.skip_message

    clock.now += 60
    result, cursor = _tick(sensor, cursor)
    [mirror] = result.run_requests
    assert mirror.job_name == MIRROR_JOB_NAME
    assert mirror.run_key == "sis_sftp_mirror:2026-03-02"

    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []
    assert "waiting for the sis_sftp_mirror run" in result.skip_message

    # the mirror run the sensor asked for, executed for real against the server
    run = sis_sftp_mirror_job.execute_in_process(run_config=mirror.run_config)
    assert run.success
    assert sorted(p.name for p in landing.iterdir()) == ["2026-03-01", "2026-03-02"]

    result, cursor = _tick(sensor, cursor)
    [refresh] = result.run_requests
    assert (refresh.job_name, refresh.run_key) == ("full_refresh", "2026-03-02")
    result, cursor = _tick(sensor, cursor)
    assert result.run_requests == []


def test_code_location_registers_both_sensors_and_the_mirror_job(monkeypatch):
    from orchestration.definitions import build_definitions

    monkeypatch.delenv("DISTRICT_SOURCES_DIR", raising=False)
    defs = build_definitions(RunSettings.from_env())
    assert defs.get_sensor_def("sis_drop_sensor").default_status == dg.DefaultSensorStatus.STOPPED
    alert = defs.get_sensor_def("run_failure_alert_sensor")
    assert alert.default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_job_def(MIRROR_JOB_NAME).name == MIRROR_JOB_NAME
