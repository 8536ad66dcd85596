{#- One row per enrolment stint with any attendance exception: absence totals counted only on
    the school's instructional days inside the stint at that same school. Absence codes come from
    var `attendance_absence_codes` (EXC, UNX, OSS, PRT); TDY and ISS are not absences.
    Each day counts its `absent_fraction` (clamped to 0-1; a full-day code without a fraction
    counts 1, a PRT row without one counts 0). A full-day absence is a day with fraction 1.
    Incremental by school year (macros/incremental_school_years.sql): a stint never crosses its
    school year, so its absences are the attendance rows of that year only. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with attendance as (

    select * from {{ ref('stg_sis__attendance') }}
    where {{ incremental_school_year_filter('school_year') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

day_index as (

    select * from {{ ref('int_school_instructional_day_index') }}
    where {{ incremental_school_year_filter('school_year') }}

),

absences as (

    select
        attendance.student_id,
        attendance.school_code,
        attendance.attendance_date,
        least(greatest(
            coalesce(
                attendance.absent_fraction,
                case when attendance.attendance_code = 'PRT' then 0 else 1 end
            ),
            0
        ), 1) as absent_fraction
    from attendance
    where attendance.attendance_code in (
        {%- for code in var('attendance_absence_codes') %}'{{ code }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    )

),

in_stint as (

    select
        stints.student_id,
        stints.school_code,
        stints.school_year,
        stints.entry_date,
        absences.absent_fraction
    from absences
    inner join stints
        on
            absences.student_id = stints.student_id
            and absences.school_code = stints.school_code
            and absences.attendance_date >= stints.stint_start_date
            and absences.attendance_date <= stints.stint_end_date
    inner join day_index
        on
            absences.school_code = day_index.school_code
            and absences.attendance_date = day_index.calendar_date
    where day_index.is_instructional_day

),

final as (

    select
        in_stint.student_id,
        in_stint.school_code,
        in_stint.school_year,
        in_stint.entry_date,
        sum(in_stint.absent_fraction) as days_absent,
        cast(sum(case when in_stint.absent_fraction >= 1 then 1 else 0 end) as integer)
            as full_days_absent
    from in_stint
    group by
        in_stint.student_id,
        in_stint.school_code,
        in_stint.school_year,
        in_stint.entry_date

)

select * from final
