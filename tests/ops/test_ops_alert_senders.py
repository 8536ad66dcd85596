"""The email and webhook senders against local servers; both stay silent when unconfigured."""

from __future__ import annotations

import email
import smtplib
import ssl
import urllib.error

import pytest
from ops_local_servers import SMTP_PASSWORD, SMTP_USER, start_http_recorder

from orchestration.alerts import (
    AlertSettings,
    FailedStep,
    FailureAlert,
    post_webhook_alert,
    send_email_alert,
)

ALERT = FailureAlert(
    job_name="full_refresh",
    run_id="0f1e2d3c-aaaa-bbbb-cccc-000000000001",
    run_url="https://dagster.district.example/runs/0f1e2d3c-aaaa-bbbb-cccc-000000000001",
    run_error="Execution of run for \"full_refresh\" failed. Steps failed: ['load_sis'].",
    failed_steps=(
        FailedStep(
            "load_sis",
            "SisSourceError",
            "SIS table attendance: no drop has a attendance__<YYYY-YY>.csv file\n"
            "(looked in 2026-03-02)",
            ("raw/sis__schools", "raw/sis__attendance"),
        ),
    ),
    tags={"district/sis_drop_date": "2026-03-02"},
)


def test_nothing_is_sent_when_no_channel_is_configured():
    settings = AlertSettings.from_env({})
    assert not settings.is_email_on and not settings.is_webhook_on
    assert send_email_alert(ALERT, settings) is False
    assert post_webhook_alert(ALERT, settings) is False


def test_email_over_plain_smtp(plain_smtp):
    port, recorder = plain_smtp
    settings = AlertSettings.from_env(
        {
            "ALERT_SMTP_HOST": "127.0.0.1",
            "ALERT_SMTP_PORT": str(port),
            "ALERT_SMTP_STARTTLS": "false",
            "ALERT_EMAIL_FROM": "dagster@district.example",
            "ALERT_EMAIL_TO": "data-team@district.example, oncall@district.example",
            "ALERT_TIMEOUT_SECONDS": "5",
        }
    )
    assert send_email_alert(ALERT, settings) is True
    [mail] = recorder.messages
    assert mail.rcpt_tos == ["data-team@district.example", "oncall@district.example"]
    assert not mail.was_tls
    message = email.message_from_bytes(mail.content)
    assert message["Subject"] == "[dagster] full_refresh failed at load_sis (run 0f1e2d3c)"
    body = message.get_payload(decode=True).decode()
    assert "Failed step: load_sis" in body
    assert "Assets: raw/sis__schools, raw/sis__attendance" in body
    assert "Error:  SisSourceError" in body
    assert "  SIS table attendance: no drop has a attendance__<YYYY-YY>.csv file" in body
    assert f"Open:   {ALERT.run_url}" in body
    assert "Tag:    district/sis_drop_date = 2026-03-02" in body


def test_email_with_starttls_and_login(starttls_smtp):
    port, recorder, ca_file = starttls_smtp
    env = {
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(port),
        "ALERT_SMTP_USER": SMTP_USER,
        "ALERT_SMTP_PASSWORD": SMTP_PASSWORD,
        "ALERT_SMTP_CA_FILE": str(ca_file),
        "ALERT_EMAIL_TO": "data-team@district.example",
        "ALERT_TIMEOUT_SECONDS": "5",
    }
    assert send_email_alert(ALERT, AlertSettings.from_env(env)) is True
    [mail] = recorder.messages
    assert mail.was_tls and mail.login == SMTP_USER

    # the relay's certificate is checked: without its CA the handshake is refused
    with pytest.raises(ssl.SSLCertVerificationError):
        send_email_alert(ALERT, AlertSettings.from_env({**env, "ALERT_SMTP_CA_FILE": ""}))
    assert len(recorder.messages) == 1


def test_a_password_is_never_sent_without_starttls(plain_smtp):
    port, recorder = plain_smtp
    settings = AlertSettings.from_env(
        {
            "ALERT_SMTP_HOST": "127.0.0.1",
            "ALERT_SMTP_PORT": str(port),
            "ALERT_SMTP_STARTTLS": "false",
            "ALERT_SMTP_USER": "alerts",
            "ALERT_SMTP_PASSWORD": "pw",
            "ALERT_EMAIL_TO": "a@district.example",
        }
    )
    with pytest.raises(smtplib.SMTPException, match="without STARTTLS"):
        send_email_alert(ALERT, settings)
    assert recorder.messages == []


def test_webhook_posts_the_failure_as_json(http_recorder):
    url, requests = http_recorder
    assert post_webhook_alert(ALERT, AlertSettings.from_env({"ALERT_WEBHOOK_URL": url})) is True
    [request] = requests
    assert request.path == "/hooks/dagster"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert body["job"] == "full_refresh"
    assert body["run_id"] == ALERT.run_id
    assert body["failed_step"] == "load_sis"
    assert body["error_message"].startswith("SIS table attendance: no drop has")
    assert body["run_url"] == ALERT.run_url
    assert body["failed_steps"][0]["asset_keys"] == ["raw/sis__schools", "raw/sis__attendance"]
    assert body["text"].startswith("[dagster] full_refresh failed at load_sis")


def test_webhook_http_error_is_raised():
    server, thread, requests = start_http_recorder(status=500)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        with pytest.raises(urllib.error.HTTPError):
            post_webhook_alert(ALERT, AlertSettings.from_env({"ALERT_WEBHOOK_URL": url}))
        assert len(requests) == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_long_errors_are_cut_to_their_first_lines():
    step = FailedStep("s", "ValueError", "\n".join(f"line {n}" for n in range(1, 31)))
    text = FailureAlert("j", "r" * 36, "u", "", (step,)).text()
    # 30 lines, 12 kept: lines 1..12 and a note of the 18 left out
    assert "  line 12" in text and "  line 13" not in text
    assert "... (18 more lines)" in text
