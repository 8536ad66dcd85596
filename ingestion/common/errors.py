"""Exceptions raised when a source cannot be read as its contract says.

Each source has its own subclass so that an orchestrator can tell which system failed, and every
message names the file, page, table or database concerned.
"""


class SourceError(Exception):
    """A source delivery that cannot be loaded (missing, unreachable or malformed)."""


class LoadAccountingError(SourceError):
    """A load whose rows do not add up: rows read != rows loaded + rows quarantined."""
