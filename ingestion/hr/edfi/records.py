"""Ed-Fi staff entities as flat text records, for a district whose HR is read from Ed-Fi.

One extractor per interchange element the HR reader reads (Data Standard 4 or 5, namespaces
ignored), in the manner of the SIS's `ingestion/sis/edfi/records.py`: text values, descriptors
kept as the URI sent (mapped in SQL, `selects.py`), several values joined with `;`.

What is read, and only that: a staff member's id, sex, Hispanic/Latino ethnicity and races
(`Staff`; names, birth date, e-mail and the rest are left in the file, since the workforce
measures need none of them); the hire and end dates and FTE of each employment
(`StaffEducationOrganizationEmploymentAssociation`); each dated assignment with its
organisation, classification, title and FTE (`StaffEducationOrganizationAssignmentAssociation`);
the school of each `StaffSchoolAssociation` and each `School` (to tell a school from the LEA).
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from ingestion.sis.edfi.records import EDORG_REFERENCE, SCHOOL_ID, joined, text_at, texts_at

STAFF_ID = "StaffReference/StaffIdentity/StaffUniqueId"

STAFF_RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("staff_unique_id", "sex", "hispanic_latino", "races"),
    "staff_employment": ("staff_unique_id", "edorg_id", "hire_date", "end_date", "fte"),
    "staff_assignment": (
        "staff_unique_id",
        "edorg_id",
        "staff_classification",
        "position_title",
        "begin_date",
        "end_date",
        "fte",
    ),
    "staff_school": ("staff_unique_id", "school_id"),
    "edorg_school": ("school_id",),
}


def staff(e: Element) -> dict:
    return {
        "staff_unique_id": text_at(e, "StaffUniqueId"),
        "sex": text_at(e, "Sex"),
        "hispanic_latino": text_at(e, "HispanicLatinoEthnicity"),
        "races": joined(texts_at(e, "Race")),
    }


def staff_employment(e: Element) -> dict:
    """Data Standard 5 dates an employment in `EmploymentPeriod`; 4 on the element itself."""
    return {
        "staff_unique_id": text_at(e, STAFF_ID),
        "edorg_id": text_at(e, f"{EDORG_REFERENCE}/EducationOrganizationId"),
        "hire_date": text_at(e, "EmploymentPeriod/HireDate") or text_at(e, "HireDate"),
        "end_date": text_at(e, "EmploymentPeriod/EndDate") or text_at(e, "EndDate"),
        "fte": text_at(e, "FullTimeEquivalency"),
    }


def staff_assignment(e: Element) -> dict:
    return {
        "staff_unique_id": text_at(e, STAFF_ID),
        "edorg_id": text_at(e, f"{EDORG_REFERENCE}/EducationOrganizationId"),
        "staff_classification": text_at(e, "StaffClassification"),
        "position_title": text_at(e, "PositionTitle"),
        "begin_date": text_at(e, "BeginDate"),
        "end_date": text_at(e, "EndDate"),
        "fte": text_at(e, "FullTimeEquivalency"),
    }


def staff_school(e: Element) -> dict:
    return {"staff_unique_id": text_at(e, STAFF_ID), "school_id": text_at(e, SCHOOL_ID)}


def edorg_school(e: Element) -> dict:
    return {"school_id": text_at(e, "SchoolId")}


STAFF_EXTRACTORS: dict[str, tuple[str, Callable[[Element], dict]]] = {
    "Staff": ("staff", staff),
    "StaffEducationOrganizationEmploymentAssociation": ("staff_employment", staff_employment),
    "StaffEducationOrganizationAssignmentAssociation": ("staff_assignment", staff_assignment),
    "StaffSchoolAssociation": ("staff_school", staff_school),
    "School": ("edorg_school", edorg_school),
}
"""Interchange element (local name) → (record type, extractor); others are counted as not read."""

STAFF_INTERCHANGES = frozenset({"InterchangeStaffAssociation", "InterchangeEducationOrganization"})
"""The interchanges (root elements) these elements come in; other files are skipped unread."""
