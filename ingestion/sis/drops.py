"""Finding the SIS drops in the landing folder and choosing which file to load per table.

The SIS writes one folder per nightly drop, `sis/<YYYY-MM-DD>/`. Snapshot tables are written
whole every night, so the newest drop that has `<table>.csv` wins. Year-scoped tables are
written one file per school year (`<table>__<YYYY-YY>.csv`); a nightly drop carries only the
current year, so each school year is taken from the newest drop that has a file for it, and
older years keep coming from the history drop. A drop folder dated after today is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.common.errors import SourceError
from ingestion.contracts import TableContract
from warehouse.school_year import is_school_year

_DROP_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SisSourceError(SourceError):
    """The SIS landing folder has no usable drop, or a table's file is missing or malformed."""

    source = "sis"


@dataclass(frozen=True)
class SisDrop:
    """One nightly drop folder."""

    drop_date: date
    path: Path


@dataclass(frozen=True)
class SisFile:
    """One file chosen for loading: where it is, which drop it came from, which year it holds."""

    path: Path
    drop_date: date
    school_year: str | None


def discover_drops(landing_dir: Path) -> list[SisDrop]:
    """Every `<YYYY-MM-DD>/` folder under the landing dir, oldest first.

    Other entries (temporary folders, notes) are ignored; a folder named like a date that is
    not a real date is an error, since it would otherwise be silently skipped.
    """
    landing_dir = Path(landing_dir)
    if not landing_dir.is_dir():
        raise SisSourceError(
            f"SIS landing folder does not exist: {landing_dir}",
            rule="no_landing_folder",
            source_file=str(landing_dir),
        )
    drops = []
    for entry in landing_dir.iterdir():
        if not (entry.is_dir() and _DROP_FOLDER.match(entry.name)):
            continue
        try:
            drop_date = date.fromisoformat(entry.name)
        except ValueError as error:
            raise SisSourceError(f"SIS drop folder is not a valid date: {entry}") from error
        drops.append(SisDrop(drop_date, entry))
    if not drops:
        raise SisSourceError(
            f"no SIS drop (<YYYY-MM-DD>/ folder) found in {landing_dir}",
            rule="no_drop",
            source_file=str(landing_dir),
        )
    return sorted(drops, key=lambda drop: drop.drop_date)


def refuse_future_drops(drops: list[SisDrop], today: date) -> None:
    """Raise `future_drop` when a drop folder is dated after `today` (the district's date).

    A drop from the future cannot be a real export (a mistyped folder, a test copy, a clock
    set wrong); taken as the newest it would win every table over tonight's real drop.
    """
    future = [drop for drop in drops if drop.drop_date > today]
    if future:
        raise SisSourceError(
            f"SIS drop folder(s) dated after today ({today} in the district's time zone): "
            f"{', '.join(_folder_name(drop) for drop in future)}; move or rename them, "
            "nothing was loaded",
            rule="future_drop",
            source_file=_folder_name(future[0]),
        )


def _folder_name(drop: SisDrop) -> str:
    """`sis/2099-12-31`: the drop folder as lineage names its files."""
    return f"{drop.path.parent.name}/{drop.path.name}"


def select_files(drops: list[SisDrop], contract: TableContract) -> list[SisFile]:
    """The files to load for one table, following the newest-drop rules above.

    Year-scoped files come back ordered by school year. Raises when no drop has the table.
    """
    newest_first = sorted(drops, key=lambda drop: drop.drop_date, reverse=True)
    if not contract.year_scoped:
        for drop in newest_first:
            path = drop.path / f"{contract.name}.csv"
            if path.is_file():
                return [SisFile(path, drop.drop_date, None)]
        raise SisSourceError(
            f"SIS table {contract.name}: no drop has {contract.name}.csv "
            f"(looked in {', '.join(d.path.name for d in newest_first)})"
        )
    chosen: dict[str, SisFile] = {}
    prefix = f"{contract.name}__"
    for drop in newest_first:
        for path in drop.path.glob(f"{prefix}*.csv"):
            school_year = path.name[len(prefix) : -len(".csv")]
            if not is_school_year(school_year):
                raise SisSourceError(
                    f"{path}: file name does not end in a school year like __2025-26.csv"
                )
            chosen.setdefault(school_year, SisFile(path, drop.drop_date, school_year))
    if not chosen:
        raise SisSourceError(
            f"SIS table {contract.name}: no drop has a {prefix}<YYYY-YY>.csv file "
            f"(looked in {', '.join(d.path.name for d in newest_first)})"
        )
    return [chosen[year] for year in sorted(chosen)]


def missing_tables(drop: SisDrop, contracts: list[TableContract]) -> list[str]:
    """Tables a drop lacks; a drop is complete when this is empty.

    Loading does not require the newest drop to be complete (each table falls back to the
    newest drop that has it), but an orchestrator can report an incomplete drop from this.
    """
    missing = []
    for contract in contracts:
        pattern = f"{contract.name}__*.csv" if contract.year_scoped else f"{contract.name}.csv"
        if not any(drop.path.glob(pattern)):
            missing.append(contract.name)
    return missing
