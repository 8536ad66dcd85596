"""Ed-Fi as the SIS: XML interchange files or the ODS/API, mapped to the SIS contract's tables."""

from ingestion.sis.edfi.loader import load_sis_edfi_api, load_sis_edfi_xml

__all__ = ["load_sis_edfi_api", "load_sis_edfi_xml"]
