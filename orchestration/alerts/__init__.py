"""Telling a data engineer that a run failed: the message, and the email and webhook senders.

Plain functions with no Dagster in the senders, so they are tested against local servers; the
run-failure sensor in `orchestration/sensors.py` builds the message and calls them.
"""

from orchestration.alerts.email_sender import send_email_alert
from orchestration.alerts.failure_message import FailedStep, FailureAlert
from orchestration.alerts.settings import AlertSettings
from orchestration.alerts.webhook_sender import post_webhook_alert

__all__ = [
    "AlertSettings",
    "FailedStep",
    "FailureAlert",
    "post_webhook_alert",
    "send_email_alert",
]
