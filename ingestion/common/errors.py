"""Exceptions raised when a source cannot be read as its contract says.

Each source has its own subclass so that an orchestrator can tell which system failed. Every
error carries the same four facts a data engineer needs to act on a bad delivery — which source,
which file (page, table or database), which row where there is one, and which rule was broken —
as attributes, and in the message, which starts with the source and rule and names the file
and row itself, e.g.

    sis [truncated_row] sis/2025-07-02/students.csv row 3 (line 4): expected 11 fields, found 2

Low-level exceptions (DuckDB, SQLAlchemy, JSON, HTTP) are always caught by the source and
re-raised as its error with the original chained as `__cause__`, never shown bare.
"""

from __future__ import annotations


class SourceError(Exception):
    """A source delivery that cannot be loaded (missing, unreachable or malformed)."""

    source = "source"

    def __init__(
        self,
        message: str,
        *,
        rule: str = "unreadable",
        source_file: str | None = None,
        source_row: int | None = None,
    ) -> None:
        self.message = message
        self.rule = rule
        self.source_file = source_file
        self.source_row = source_row
        super().__init__(f"{self.source} [{rule}] {message}")


TRANSIENT_RULES = frozenset(
    {
        "drop_incomplete",  # an SFTP drop whose tables have not all arrived yet
        "drop_being_written",  # files still changing size while the drop is listed
        "sftp_unreachable",  # the SFTP server refused or dropped the connection
        "unreachable_database",  # the HR database did not answer
        "retries_exhausted",  # the vendor API kept answering 429/5xx or timing out
    }
)
"""Rules of errors that can pass when the same step runs again a little later: the network, a
server, or a delivery still arriving. Every other rule (a missing drop, a malformed file, a
missing column) fails the same way on every attempt, so the step fails once and says why."""


def is_transient(error: BaseException) -> bool:
    """Whether a retry of the step that raised `error` can succeed (see TRANSIENT_RULES)."""
    return isinstance(error, SourceError) and error.rule in TRANSIENT_RULES


class LoadAccountingError(SourceError):
    """A load whose rows do not add up: rows read != rows loaded + rows quarantined."""
