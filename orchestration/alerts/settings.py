"""Where failure alerts go, read from environment variables; every channel is off when unset.

| variable               | meaning                                                            |
|------------------------|--------------------------------------------------------------------|
| ALERT_SMTP_HOST        | SMTP relay; email alerts are off when empty                        |
| ALERT_SMTP_PORT        | default `587`                                                      |
| ALERT_SMTP_USER        | login, if the relay needs one                                      |
| ALERT_SMTP_PASSWORD    | its password                                                       |
| ALERT_SMTP_STARTTLS    | `true` (default) to upgrade the connection with STARTTLS before    |
|                        | logging in; `false` for a relay on the same host or network        |
| ALERT_SMTP_CA_FILE     | CA bundle for the relay's certificate (an internal CA); default    |
|                        | the system's trusted CAs                                           |
| ALERT_EMAIL_FROM       | sender address                                                     |
| ALERT_EMAIL_TO         | recipients, comma-separated                                        |
| ALERT_WEBHOOK_URL      | URL that receives a JSON POST (Slack, Teams, Mattermost or any     |
|                        | HTTP endpoint); webhook alerts are off when empty                  |
| ALERT_TIMEOUT_SECONDS  | network timeout of each send, default `15`                         |
| DAGSTER_UI_URL         | base URL of the Dagster UI for the run link, default               |
|                        | `http://localhost:3000`                                            |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class AlertSettings:
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    is_starttls: bool
    smtp_ca_file: str
    email_from: str
    email_to: tuple[str, ...]
    webhook_url: str
    timeout_seconds: float
    dagster_ui_url: str

    @property
    def is_email_on(self) -> bool:
        return bool(self.smtp_host and self.email_to)

    @property
    def is_webhook_on(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AlertSettings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            value = env.get(name, "").strip()
            return value if value != "" else default

        smtp_host = get("ALERT_SMTP_HOST")
        return cls(
            smtp_host=smtp_host,
            smtp_port=int(get("ALERT_SMTP_PORT", "587")),
            smtp_user=get("ALERT_SMTP_USER"),
            smtp_password=get("ALERT_SMTP_PASSWORD"),
            is_starttls=get("ALERT_SMTP_STARTTLS", "true").lower() in ("1", "true", "yes", "on"),
            smtp_ca_file=get("ALERT_SMTP_CA_FILE"),
            email_from=get("ALERT_EMAIL_FROM", f"dagster@{smtp_host or 'localhost'}"),
            email_to=tuple(a.strip() for a in get("ALERT_EMAIL_TO").split(",") if a.strip()),
            webhook_url=get("ALERT_WEBHOOK_URL"),
            timeout_seconds=float(get("ALERT_TIMEOUT_SECONDS", "15")),
            dagster_ui_url=get("DAGSTER_UI_URL", "http://localhost:3000").rstrip("/"),
        )
