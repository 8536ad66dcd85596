"""Posting a failure alert as JSON to a webhook (chat tools or any HTTP endpoint)."""

from __future__ import annotations

import json
import urllib.request

from orchestration.alerts.failure_message import FailureAlert
from orchestration.alerts.settings import AlertSettings


def post_webhook_alert(alert: FailureAlert, settings: AlertSettings) -> bool:
    """POST the alert's JSON; False when no webhook is configured, raises on an HTTP error."""
    if not settings.is_webhook_on:
        return False
    request = urllib.request.Request(
        settings.webhook_url,
        data=json.dumps(alert.to_json()).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "district-dagster-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
        response.read()
    return True
