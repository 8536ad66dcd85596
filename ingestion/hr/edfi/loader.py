"""Loading the HR contract's staff and assignments from Ed-Fi staff interchanges.

For a district with no HR database whose Ed-Fi data has staff (`HR_FORMAT=edfi_xml`): the
StaffAssociation interchange (and the EducationOrganization one, for which organisations are
schools) of `HR_LANDING_DIR`, by default the SIS's Ed-Fi folder, is streamed into staging
tables by the SIS's interchange reader with the staff extractors (`records.py`); the other
files of the folder are skipped after their root element. The descriptor map is the SIS's
(`EDFI_DESCRIPTOR_MAP`), so a district edits one table for both. Each table is loaded whole by
the typed loader from its SELECT (`selects.py`); rows read = loaded + quarantined per table.
The HR tables Ed-Fi has no element for (`tables_not_supplied`) are absent.
"""

from __future__ import annotations

import duckdb

from ingestion.common.settings import SourceSettings
from ingestion.common.typed_load import LoadResult
from ingestion.contracts import HR_TABLES, TableContract
from ingestion.hr.client import HrSourceError
from ingestion.hr.edfi.records import STAFF_EXTRACTORS, STAFF_INTERCHANGES, STAFF_RECORD_COLUMNS
from ingestion.hr.edfi.selects import RECORD_TYPES, SELECTS
from ingestion.sis.drops import SisSourceError
from ingestion.sis.edfi.descriptors import read_descriptor_map, register_descriptor_map
from ingestion.sis.edfi.interchange import (
    InterchangeReadout,
    interchange_files,
    read_interchanges,
    staging_table,
)
from ingestion.sis.edfi.loader import load_select, mapping_checks


def tables_not_supplied() -> frozenset[str]:
    """The raw HR tables no Ed-Fi element is read into: positions, vacancies, applications and
    their events (Ed-Fi has no budgeted position or applicant tracking in the interchanges)."""
    return frozenset(c.raw_table for c in HR_TABLES if c.name not in SELECTS)


def load_hr_edfi_xml(
    con: duckdb.DuckDBPyConnection,
    settings: SourceSettings,
    tables: list[TableContract] | None = None,
) -> dict[str, LoadResult]:
    """Load staff and assignments (or the given tables of those) from the Ed-Fi folder."""
    files = interchange_files(settings.hr_edfi_dir, HrSourceError)
    try:
        mapping = read_descriptor_map(settings.edfi_descriptor_map)
    except SisSourceError as error:  # the map is shared; the failing load here is HR's
        raise HrSourceError(
            error.message,
            rule=error.rule,
            source_file=error.source_file,
            source_row=error.source_row,
        ) from error
    readout = read_interchanges(
        con,
        files,
        settings.relative_source_path,
        STAFF_EXTRACTORS,
        STAFF_RECORD_COLUMNS,
        STAFF_INTERCHANGES,
        HrSourceError,
    )
    register_descriptor_map(con, mapping)
    wanted = [c for c in (tables or HR_TABLES) if c.name in SELECTS]
    try:
        return {
            contract.raw_table: _load_table(con, contract, readout, settings.district_timezone)
            for contract in wanted
        }
    finally:
        for record_type in STAFF_RECORD_COLUMNS:
            con.execute(f"drop table if exists {staging_table(record_type)}")


def _load_table(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    readout: InterchangeReadout,
    timezone: str,
) -> LoadResult:
    select = SELECTS[contract.name]
    files = readout.files_with(RECORD_TYPES[contract.name])
    warnings = [] if files else [f"Ed-Fi: no interchange had the elements of {contract.name}"]
    if contract.name == "assignments":
        warnings += _school_association_warnings(con)
    checks = mapping_checks(contract, select)
    return load_select(con, contract, select, files, timezone, HrSourceError, warnings, checks)


def _school_association_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A staff member's StaffSchoolAssociation says they work at a school, but only a dated
    assignment there counts them on the snapshot: say how many associations have none."""
    (undated,) = con.execute(
        f"select count(*) from {staging_table('staff_school')} as s "
        f"where not exists (select 1 from {staging_table('staff_assignment')} as a "
        "where a.staff_unique_id = s.staff_unique_id and a.edorg_id = s.school_id)"
    ).fetchone()
    if not undated:
        return []
    return [
        f"Ed-Fi: {undated} StaffSchoolAssociation(s) have no "
        "StaffEducationOrganizationAssignmentAssociation at their school: those staff are not "
        "counted at that school"
    ]
