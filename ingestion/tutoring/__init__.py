"""The tutoring vendor's cursor-paginated JSON API (or its pages saved to disk)."""

from ingestion.tutoring.client import (
    StagedPage,
    TutoringApiClient,
    TutoringSourceError,
    saved_pages,
)
from ingestion.tutoring.loader import load_tutoring, load_tutoring_pages

__all__ = [
    "StagedPage",
    "TutoringApiClient",
    "TutoringSourceError",
    "load_tutoring",
    "load_tutoring_pages",
    "saved_pages",
]
