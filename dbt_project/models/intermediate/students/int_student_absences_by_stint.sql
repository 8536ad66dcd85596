{#- One row per enrolment stint with any attendance exception: absence totals counted only on
    the school's instructional days inside the stint at that same school. Absence codes come from
    var `attendance_absence_codes` (EXC, UNX, OSS, PRT); TDY and ISS are not absences.
    Each day counts its `absent_fraction` (clamped to 0-1; a full-day code without a fraction
    counts 1, a PRT row without one counts 0). A full-day absence is a day with fraction 1.
    A day counts once (docs/metrics.md): a stint counts only the days from its
    `counted_from_date` (days no earlier stint at the school covers), and several absence rows
    for one student and day count the largest fraction among them, so at most one day.
    Incremental by school year (macros/incremental_school_years.sql): a stint never crosses its
    school year, so its absences are the attendance rows of that year only (read by date range).
    Each stint gets an integer key first: the attendance rows (tens of millions at district
    scale) are summed on that one integer, and the stint's text columns are joined back to the
    one row per stint the sum leaves, far cheaper than grouping on them. The instructional-day
    test is a semi-join (the day index has one row per school and date): as an inner join,
    DuckDB pre-aggregates on the join's text keys below it, which costs more than the sum. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with attendance as (

    select * from {{ ref('stg_sis__attendance') }}
    where {{ incremental_school_year_dates_filter('attendance_date') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

keyed_stints as (

    select
        row_number() over (
            order by stints.student_id, stints.school_code, stints.entry_date
        ) as stint_key,
        stints.student_id,
        stints.school_code,
        stints.school_year,
        stints.entry_date,
        stints.counted_from_date,
        stints.stint_end_date
    from stints

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
        keyed_stints.stint_key,
        absences.attendance_date,
        absences.absent_fraction
    from absences
    inner join keyed_stints
        on
            absences.student_id = keyed_stints.student_id
            and absences.school_code = keyed_stints.school_code
            and absences.attendance_date >= keyed_stints.counted_from_date
            and absences.attendance_date <= keyed_stints.stint_end_date
    where exists (
        select 1
        from day_index
        where
            day_index.school_code = absences.school_code
            and day_index.calendar_date = absences.attendance_date
            and day_index.is_instructional_day
    )

),

by_day as (

    select
        in_stint.stint_key,
        in_stint.attendance_date,
        max(in_stint.absent_fraction) as absent_fraction
    from in_stint
    group by in_stint.stint_key, in_stint.attendance_date

),

by_stint as (

    select
        by_day.stint_key,
        sum(by_day.absent_fraction) as days_absent,
        cast(sum(case when by_day.absent_fraction >= 1 then 1 else 0 end) as integer)
            as full_days_absent
    from by_day
    group by by_day.stint_key

),

final as (

    select
        keyed_stints.student_id,
        keyed_stints.school_code,
        keyed_stints.school_year,
        keyed_stints.entry_date,
        by_stint.days_absent,
        by_stint.full_days_absent
    from by_stint
    inner join keyed_stints
        on by_stint.stint_key = keyed_stints.stint_key

)

select * from final
{{ incremental_build_order() }}
