"""HR: the HR database (any SQLAlchemy URL; a SQLite file by default), or Ed-Fi staff."""

from ingestion.hr.client import HrSourceError, HrTableReader, masked_url
from ingestion.hr.loader import load_hr, load_hr_table, tables_not_supplied

__all__ = [
    "HrSourceError",
    "HrTableReader",
    "load_hr",
    "load_hr_table",
    "masked_url",
    "tables_not_supplied",
]
