"""HR from Ed-Fi: staff interchanges mapped to the HR contract's staff and assignments."""

from ingestion.hr.edfi.loader import load_hr_edfi_xml, tables_not_supplied

__all__ = ["load_hr_edfi_xml", "tables_not_supplied"]
