"""Ed-Fi as the SIS: XML interchange files mapped to the SIS contract's raw tables."""

from ingestion.sis.edfi.loader import load_sis_edfi_xml

__all__ = ["load_sis_edfi_xml"]
