"""The content of a failure alert: which job, which steps and assets, the error's first lines.

Built from plain values so that it can be rendered and tested without a Dagster run; the sensor
fills it from the run, its step-failure events and its execution plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR_LINES = 12
"""Lines of each error kept in an alert: the message and the innermost cause, not the stack."""
ASSET_KEYS_SHOWN = 8


@dataclass(frozen=True)
class FailedStep:
    step_key: str
    error_class: str
    error_message: str
    asset_keys: tuple[str, ...] = ()

    def asset_summary(self) -> str:
        shown = ", ".join(self.asset_keys[:ASSET_KEYS_SHOWN])
        more = len(self.asset_keys) - ASSET_KEYS_SHOWN
        return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class FailureAlert:
    job_name: str
    run_id: str
    run_url: str
    run_error: str
    failed_steps: tuple[FailedStep, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        steps = ", ".join(step.step_key for step in self.failed_steps) or "run"
        return f"[dagster] {self.job_name} failed at {steps} (run {self.run_id[:8]})"

    def text(self) -> str:
        """The plain-text body: enough to know what broke before opening the UI."""
        lines = [
            f"Job:    {self.job_name}",
            f"Run:    {self.run_id}",
            f"Open:   {self.run_url}",
        ]
        for name, value in sorted(self.tags.items()):
            lines.append(f"Tag:    {name} = {value}")
        if not self.failed_steps:
            lines += ["", "The run failed outside any step:", *first_lines(self.run_error)]
        for step in self.failed_steps:
            lines += ["", f"Failed step: {step.step_key}"]
            if step.asset_keys:
                lines.append(f"Assets: {step.asset_summary()}")
            lines.append(f"Error:  {step.error_class}")
            lines += [f"  {line}" for line in first_lines(step.error_message)]
        lines += [
            "",
            "To retry after fixing the cause: open the run and choose Re-execute > From failure.",
        ]
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The webhook body; `text` makes it readable as-is by Slack/Teams/Mattermost hooks."""
        first = self.failed_steps[0] if self.failed_steps else None
        return {
            "text": f"{self.subject}\n{self.run_url}",
            "job": self.job_name,
            "run_id": self.run_id,
            "run_url": self.run_url,
            "failed_step": first.step_key if first else None,
            "error_message": "\n".join(
                first_lines(first.error_message if first else self.run_error)
            ),
            "failed_steps": [
                {
                    "step_key": step.step_key,
                    "asset_keys": list(step.asset_keys),
                    "error_class": step.error_class,
                    "error_message": "\n".join(first_lines(step.error_message)),
                }
                for step in self.failed_steps
            ],
            "tags": self.tags,
        }


def first_lines(text: str, count: int = ERROR_LINES) -> list[str]:
    lines = [line.rstrip() for line in (text or "").strip().splitlines()]
    return lines[:count] + (
        [f"... ({len(lines) - count} more lines)"] if len(lines) > count else []
    )
