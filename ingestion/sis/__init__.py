"""The student information system's nightly CSV drops."""

from ingestion.sis.drops import SisDrop, SisFile, SisSourceError, discover_drops, select_files
from ingestion.sis.loader import load_sis, load_sis_table, tables_not_supplied

__all__ = [
    "SisDrop",
    "SisFile",
    "SisSourceError",
    "discover_drops",
    "load_sis",
    "load_sis_table",
    "select_files",
    "tables_not_supplied",
]
