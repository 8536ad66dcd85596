"""Sending a failure alert by email through the district's SMTP relay."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from orchestration.alerts.failure_message import FailureAlert
from orchestration.alerts.settings import AlertSettings


def build_email(alert: FailureAlert, settings: AlertSettings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(alert.text())
    return message


def send_email_alert(alert: FailureAlert, settings: AlertSettings) -> bool:
    """Send the alert; False (nothing sent) when email is not configured.

    STARTTLS is on unless turned off, and a password is never sent over a connection that was
    not upgraded: a relay that does not offer STARTTLS then fails loudly instead.
    """
    if not settings.is_email_on:
        return False
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
    ) as smtp:
        smtp.ehlo()
        if settings.is_starttls:
            context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.smtp_user:
            if not settings.is_starttls:
                raise smtplib.SMTPException(
                    "refusing to send ALERT_SMTP_PASSWORD without STARTTLS "
                    "(set ALERT_SMTP_STARTTLS=true or drop the login)"
                )
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(build_email(alert, settings))
    return True
