"""Finding the survey's export files and checking a wide export against the item dictionary."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingestion.common.errors import SourceError
from warehouse.school_year import is_school_year

RESPONSE_COLUMNS = (
    "response_id",
    "student_id",
    "school_code",
    "grade_level",
    "started_at",
    "submitted_at",
)
SEASONS = ("spring", "fall")
_EXPORT_NAME = re.compile(r"^responses__(?P<year>[^_]+)__(?P<season>[^_]+)\.csv$")


class SurveySourceError(SourceError):
    """A survey file is missing, misnamed, or its items disagree with the item dictionary."""

    source = "survey"


@dataclass(frozen=True)
class ResponseExport:
    """One administration's wide export: the file and the school year and season it covers."""

    path: Path
    school_year: str
    season: str


def find_response_exports(export_dir: Path) -> list[ResponseExport]:
    """Every `responses__<YYYY-YY>__<season>.csv`, ordered by school year then season."""
    exports = []
    for path in Path(export_dir).glob("responses__*.csv"):
        match = _EXPORT_NAME.match(path.name)
        if match is None or not is_school_year(match["year"]) or match["season"] not in SEASONS:
            raise SurveySourceError(
                f"{path}: expected a name like responses__2025-26__spring.csv "
                f"(season one of {', '.join(SEASONS)})"
            )
        exports.append(ResponseExport(path, match["year"], match["season"]))
    if not exports:
        raise SurveySourceError(f"no responses__<YYYY-YY>__<season>.csv export in {export_dir}")
    return sorted(exports, key=lambda e: (e.school_year, SEASONS.index(e.season)))


def item_columns(header: Sequence[str], dictionary_items: Sequence[str], path: Path) -> list[str]:
    """The item columns of a wide export, which must be exactly the dictionary's items.

    An export column that is not a dictionary item (or a dictionary item with no column) would
    mean answers without a construct (or a construct silently unasked), so either is an error.
    """
    missing_fixed = [c for c in RESPONSE_COLUMNS if c not in header]
    if missing_fixed:
        raise SurveySourceError(f"{path} is missing column(s) {', '.join(missing_fixed)}")
    items = [c for c in header if c not in RESPONSE_COLUMNS]
    unknown = [c for c in items if c not in dictionary_items]
    unasked = [c for c in dictionary_items if c not in items]
    if unknown:
        raise SurveySourceError(
            f"{path} has column(s) not in item_dictionary.csv: {', '.join(unknown)}"
        )
    if unasked:
        raise SurveySourceError(
            f"{path} lacks column(s) for dictionary item(s): {', '.join(unasked)}"
        )
    return items
