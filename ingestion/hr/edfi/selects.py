"""The HR contract's staff and assignments as SELECTs over the Ed-Fi staff staging tables.

Like the SIS's `ingestion/sis/edfi/contract_selects.py`: every contract column as text, the
lineage of the Ed-Fi element the row comes from (`_source_file`, `_source_row`), and for each
column mapped from a descriptor `_unmapped_<column>`, the URI the descriptor map lacks.

Mapping choices (also in ingestion/hr/README.md):
- staff: one row per `Staff`; gender from `Sex`, is_hispanic_latino from
  `HispanicLatinoEthnicity`, race_codes from every `Race`; names and birth date are not read
  (NULL: no measure uses them); original_hire_date is the earliest `HireDate` of the staff
  member's employments, separation_date the latest `EndDate` when every employment has ended
  (NULL while one is open);
- assignments: one row per `StaffEducationOrganizationAssignmentAssociation`; assignment_id is
  Ed-Fi's natural key, `<staff>-<organisation>-<classification>-<begin date>`; school_code is
  the organisation when it is a school (a `School` element, or the school of any
  `StaffSchoolAssociation`), NULL (central office) otherwise; job_category from
  `StaffClassification` (`CERT`/`CLAS`), job_title the `PositionTitle`, start and end dates
  `BeginDate` and `EndDate`; fte the assignment's `FullTimeEquivalency`, or, when it has none
  and is the staff member's only assignment, that of their only employment;
  position_id, annual_salary and last_modified_at are NULL (Ed-Fi has no budgeted position, and
  an employment's wage is not an assignment's);
- positions, vacancies, applications and application events: not read (no rows; absent).
"""

from __future__ import annotations

from ingestion.sis.edfi.contract_selects import boolean_text, first_unmapped, sorted_codes
from ingestion.sis.edfi.interchange import staging_table as t

_LINEAGE = "r._source_file, r._source_row"

SELECTS: dict[str, str] = {
    "staff": f"""
        with employment as (
            select
                staff_unique_id,
                min(hire_date) as original_hire_date,
                case when count(*) = count(end_date) then max(end_date) end as separation_date
            from {t("staff_employment")}
            group by staff_unique_id
        )
        select
            r.staff_unique_id as staff_id,
            null as last_name,
            null as first_name,
            null as birth_date,
            edfi_code(r.sex) as gender,
            {boolean_text("r.hispanic_latino", "1", "0")} as is_hispanic_latino,
            {sorted_codes("r.races")} as race_codes,
            e.original_hire_date,
            e.separation_date,
            null as last_modified_at,
            edfi_unmapped(r.sex) as _unmapped_gender,
            {first_unmapped("r.races")} as _unmapped_race_codes,
            {_LINEAGE}
        from {t("staff")} as r
        left join employment as e on e.staff_unique_id = r.staff_unique_id
    """,
    "assignments": f"""
        with schools as (
            select school_id from {t("edorg_school")}
            union
            select school_id from {t("staff_school")}
        ),
        assignments_of_staff as (
            select staff_unique_id, count(*) as assignments
            from {t("staff_assignment")}
            group by staff_unique_id
        ),
        employment as (
            select staff_unique_id, count(*) as employments, any_value(fte) as fte
            from {t("staff_employment")}
            group by staff_unique_id
        )
        select
            concat_ws('-', coalesce(r.staff_unique_id, ''), coalesce(r.edorg_id, ''),
                coalesce(split_part(r.staff_classification, '#', 2), ''),
                coalesce(r.begin_date, '')) as assignment_id,
            r.staff_unique_id as staff_id,
            null as position_id,
            case when r.edorg_id in (select school_id from schools) then r.edorg_id end
                as school_code,
            edfi_code(r.staff_classification) as job_category,
            r.position_title as job_title,
            coalesce(r.fte, case when a.assignments = 1 and e.employments = 1 then e.fte end)
                as fte,
            null as annual_salary,
            r.begin_date as start_date,
            r.end_date,
            null as last_modified_at,
            edfi_unmapped(r.staff_classification) as _unmapped_job_category,
            {_LINEAGE}
        from {t("staff_assignment")} as r
        left join assignments_of_staff as a on a.staff_unique_id = r.staff_unique_id
        left join employment as e on e.staff_unique_id = r.staff_unique_id
    """,
}
"""HR contract table → its SELECT; the HR tables not here get no rows and are absent."""

RECORD_TYPES: dict[str, tuple[str, ...]] = {
    "staff": ("staff", "staff_employment"),
    "assignments": ("staff_assignment", "staff_employment", "staff_school", "edorg_school"),
}
"""HR contract table → the record types it is built from (for its files)."""
