{#- One row per school year and assignment active on that year's October snapshot date:
    started on or before it, not ended before it, held by a staff member not separated before it.
    Central-office assignments (no school) are kept with `is_school_based` false. -#}
with

snapshot_dates as (

    select * from {{ ref('int_workforce_snapshot_dates') }}

),

assignments as (

    select * from {{ ref('stg_hr__assignments') }}

),

staff as (

    select * from {{ ref('stg_hr__staff') }}

),

active_on_snapshot as (

    select
        snapshot_dates.school_year,
        snapshot_dates.snapshot_date,
        assignments.assignment_id,
        assignments.staff_id,
        assignments.position_id,
        assignments.school_code,
        assignments.job_category,
        assignments.job_title,
        assignments.fte,
        assignments.annual_salary,
        staff.race_ethnicity_code,
        assignments.school_code is not null as is_school_based
    from assignments
    inner join snapshot_dates
        on
            assignments.start_date <= snapshot_dates.snapshot_date
            and (assignments.end_date is null or assignments.end_date >= snapshot_dates.snapshot_date)
    inner join staff
        on assignments.staff_id = staff.staff_id
    where staff.separation_date is null or staff.separation_date > snapshot_dates.snapshot_date

),

final as (

    select * from active_on_snapshot

)

select * from final
