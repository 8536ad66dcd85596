{#- One row per enrolment stint with `days_enrolled`: the instructional days of the school's
    calendar from the stint's `counted_from_date` (its first day no earlier stint at the same
    school covers, so a day counts once) through its last day, both inclusive (exit date = last
    day enrolled). Counted as (instructional days through the end date) - (instructional days
    through the counted-from date) + (1 if that date is itself instructional), looked up in the
    per-school cumulative index; a stint wholly covered by earlier ones, or at a school without a
    calendar for that year, gets 0 days.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

day_index as (

    select * from {{ ref('int_school_instructional_day_index') }}
    where {{ incremental_school_year_filter('school_year') }}

),

spanned as (

    select
        stints.student_id,
        stints.school_code,
        stints.school_year,
        stints.grade_level,
        stints.entry_date,
        stints.exit_date,
        stints.entry_code,
        stints.exit_code,
        stints.stint_start_date,
        stints.stint_end_date,
        stints.counted_from_date,
        end_index.calendar_date is not null as has_calendar,
        case when stints.counted_from_date <= stints.stint_end_date then coalesce(
            end_index.instructional_days_through_date
            - start_index.instructional_days_through_date
            + case when start_index.is_instructional_day then 1 else 0 end,
            0
        ) else 0 end as days_enrolled
    from stints
    left join day_index as start_index
        on
            stints.school_code = start_index.school_code
            and stints.counted_from_date = start_index.calendar_date
    left join day_index as end_index
        on
            stints.school_code = end_index.school_code
            and stints.stint_end_date = end_index.calendar_date

),

final as (

    select * from spanned

)

select * from final
{{ incremental_build_order() }}
