"""Whether an SIS drop is ready to load: every expected table present and no file still growing.

The SIS writes a drop file by file over several minutes, so a drop folder that exists is not yet
a drop that can be loaded. Two checks decide it, both on a plain listing (file name -> size in
bytes) so that the same rules apply to the local landing folder and to the SFTP server:

- complete: every table of `SIS_TABLES` is there, snapshot tables as `<table>.csv` and
  year-scoped tables as at least one `<table>__<YYYY-YY>.csv`;
- stable: two listings taken some time apart show the same files with the same sizes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.contracts import SIS_TABLES, TableContract
from warehouse.school_year import is_school_year

DROP_FOLDER_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DropListing = Mapping[str, int]
"""The `.csv` files of one drop folder: file name -> size in bytes."""


@dataclass(frozen=True)
class DropLook:
    """One look at a drop folder: what it held and when it was looked at (epoch seconds)."""

    drop_date: date
    sizes: dict[str, int]
    looked_at: float

    def to_json(self) -> dict:
        return {
            "drop_date": self.drop_date.isoformat(),
            "sizes": self.sizes,
            "looked_at": self.looked_at,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> DropLook:
        return cls(
            date.fromisoformat(data["drop_date"]),
            {str(name): int(size) for name, size in data["sizes"].items()},
            float(data["looked_at"]),
        )


def drop_date_of(folder_name: str) -> date | None:
    """The date a drop folder is named after, or None for anything else in the landing folder."""
    if not DROP_FOLDER_NAME.match(folder_name):
        return None
    try:
        return date.fromisoformat(folder_name)
    except ValueError:
        return None


def table_of_file(file_name: str, contracts: Iterable[TableContract] = SIS_TABLES) -> str | None:
    """The contract table a drop file belongs to, or None when it belongs to none."""
    for contract in contracts:
        if not contract.year_scoped and file_name == f"{contract.name}.csv":
            return contract.name
        prefix = f"{contract.name}__"
        if (
            contract.year_scoped
            and file_name.startswith(prefix)
            and file_name.endswith(".csv")
            and is_school_year(file_name[len(prefix) : -len(".csv")])
        ):
            return contract.name
    return None


def missing_tables(
    listing: Iterable[str], contracts: Iterable[TableContract] = SIS_TABLES
) -> list[str]:
    """Tables of the contract that no file of the listing provides, in contract order."""
    contracts = list(contracts)
    present = {table_of_file(name, contracts) for name in listing}
    return [contract.name for contract in contracts if contract.name not in present]


def changed_files(earlier: DropListing, later: DropListing) -> list[str]:
    """Files that appeared, vanished or changed size between two listings, sorted by name."""
    names = set(earlier) | set(later)
    return sorted(name for name in names if earlier.get(name) != later.get(name))


def list_local_drop(folder: Path) -> dict[str, int]:
    """The `.csv` files of a local drop folder with their sizes; hidden partial files ignored."""
    return {
        entry.name: entry.stat().st_size
        for entry in Path(folder).iterdir()
        if entry.is_file() and entry.name.endswith(".csv") and not entry.name.startswith(".")
    }


def local_drop_folders(landing_dir: Path) -> dict[date, Path]:
    """Every `<YYYY-MM-DD>/` folder of a local landing folder (empty when it does not exist)."""
    landing_dir = Path(landing_dir)
    if not landing_dir.is_dir():
        return {}
    folders = {}
    for entry in landing_dir.iterdir():
        drop_date = drop_date_of(entry.name)
        if drop_date is not None and entry.is_dir():
            folders[drop_date] = entry
    return folders
