"""The run-failure sensor builds a clear alert from a really failed run and sends it."""

from __future__ import annotations

import email

import dagster as dg
import pytest

from orchestration.sensors import build_run_failure_alert_sensor

ALERT_VARIABLES = (
    "ALERT_SMTP_HOST",
    "ALERT_SMTP_PORT",
    "ALERT_SMTP_USER",
    "ALERT_SMTP_PASSWORD",
    "ALERT_SMTP_STARTTLS",
    "ALERT_EMAIL_FROM",
    "ALERT_EMAIL_TO",
    "ALERT_WEBHOOK_URL",
    "DAGSTER_UI_URL",
)


@dg.asset(key=["raw", "sis__schools"])
def schools():
    return 1


@dg.asset(key=["raw", "sis__attendance"], deps=[schools])
def attendance():
    raise ValueError(
        "attendance__2025-26.csv: column absent_fraction is missing\n"
        "header was: student_id,school_code,attendance_date"
    )


failing_job = dg.define_asset_job(
    "tiny_refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor
)
tiny_defs = dg.Definitions(assets=[schools, attendance], jobs=[failing_job])


@pytest.fixture(scope="module")
def failure_context():
    """The run-failure context of a run whose `raw/sis__attendance` step raised (run once)."""
    with dg.DagsterInstance.ephemeral() as instance:
        job = tiny_defs.resolve_job_def("tiny_refresh")
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags={"district/sis_drop_date": "2026-03-02"}
        )
        assert not result.success
        yield dg.build_run_status_sensor_context(
            sensor_name="run_failure_alert_sensor",
            dagster_event=result.get_run_failure_event(),
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()


@pytest.fixture
def no_alert_env(monkeypatch):
    for name in ALERT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_message_names_job_step_asset_and_error(failure_context, no_alert_env):
    no_alert_env.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/unused")
    no_alert_env.setenv("DAGSTER_UI_URL", "https://dagster.district.example/")
    sent = []
    sensor = build_run_failure_alert_sensor(
        send_email=lambda alert, settings: False,
        post_webhook=lambda alert, settings: sent.append(alert) or True,
    )
    sensor(failure_context)

    [alert] = sent
    run_id = failure_context.dagster_run.run_id
    assert alert.job_name == "tiny_refresh"
    assert alert.run_url == f"https://dagster.district.example/runs/{run_id}"
    [step] = alert.failed_steps
    assert step.step_key == "raw__sis__attendance"
    assert step.asset_keys == ("raw/sis__attendance",)
    assert step.error_class == "ValueError"
    assert step.error_message.startswith(
        "attendance__2025-26.csv: column absent_fraction is missing\n"
        "header was: student_id,school_code,attendance_date"
    )
    assert alert.tags == {"district/sis_drop_date": "2026-03-02"}
    assert alert.subject == (
        f"[dagster] tiny_refresh failed at raw__sis__attendance (run {run_id[:8]})"
    )


def test_unconfigured_sensor_skips(failure_context, no_alert_env):
    calls = []
    sensor = build_run_failure_alert_sensor(
        send_email=lambda *a: calls.append(a), post_webhook=lambda *a: calls.append(a)
    )
    assert isinstance(sensor(failure_context), dg.SkipReason)
    assert calls == []


def test_real_senders_deliver_email_and_webhook(
    failure_context, no_alert_env, plain_smtp, http_recorder
):
    port, mails = plain_smtp
    url, requests = http_recorder
    for name, value in {
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(port),
        "ALERT_SMTP_STARTTLS": "false",
        "ALERT_TIMEOUT_SECONDS": "5",
        "ALERT_EMAIL_TO": "data-team@district.example",
        "ALERT_WEBHOOK_URL": url,
    }.items():
        no_alert_env.setenv(name, value)
    build_run_failure_alert_sensor()(failure_context)

    body = email.message_from_bytes(mails.messages[0].content).get_payload(decode=True).decode()
    assert "Failed step: raw__sis__attendance" in body
    assert "Assets: raw/sis__attendance" in body
    assert "  attendance__2025-26.csv: column absent_fraction is missing" in body
    assert requests[0].json()["failed_step"] == "raw__sis__attendance"


def test_one_broken_channel_does_not_silence_the_other(
    failure_context, no_alert_env, http_recorder
):
    url, requests = http_recorder
    no_alert_env.setenv("ALERT_WEBHOOK_URL", url)
    no_alert_env.setenv("ALERT_SMTP_HOST", "127.0.0.1")

    def broken_email(alert, settings):
        raise ConnectionRefusedError("relay down")

    no_alert_env.setenv("ALERT_EMAIL_TO", "data-team@district.example")
    sensor = build_run_failure_alert_sensor(send_email=broken_email)
    with pytest.raises(Exception, match="email: ConnectionRefusedError: relay down"):
        sensor(failure_context)
    assert len(requests) == 1
