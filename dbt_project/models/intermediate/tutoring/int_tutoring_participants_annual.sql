{#- One row per school year, scope (the session's school, or DISTRICT for all of a student's
    sessions) and student with at least one completed session: usage and dosage.
    - active week: a Monday-to-Sunday week with at least one completed session; dosage is
      measured over active weeks (what a student receives while participating), not over every
      week of the school year.
    - high dose: sessions per active week >= var `high_dose_sessions_per_week` (3), compared as
      sessions >= threshold × active weeks.
    - most in need: from int_tutoring_students_most_in_need for the student and year.
    - enrolled in scope: enrolled at that school (any school for DISTRICT) on some day of the
      year; only these students count in the participation rate.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

sessions as (

    select * from {{ ref('int_tutoring_sessions_completed') }}
    where {{ incremental_school_year_filter('school_year') }}

),

most_in_need as (

    select * from {{ ref('int_tutoring_students_most_in_need') }}
    where {{ incremental_school_year_filter('school_year') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

scoped_sessions as (

    select
        sessions.school_year,
        sessions.school_code,
        sessions.student_id,
        sessions.session_date,
        sessions.week_start_date,
        sessions.duration_minutes
    from sessions
    where sessions.school_code is not null
    union all
    select
        sessions.school_year,
        'DISTRICT' as school_code,
        sessions.student_id,
        sessions.session_date,
        sessions.week_start_date,
        sessions.duration_minutes
    from sessions

),

usage as (

    select
        scoped_sessions.school_year,
        scoped_sessions.school_code,
        scoped_sessions.student_id,
        count(*) as sessions,
        sum(scoped_sessions.duration_minutes) as minutes,
        count(distinct scoped_sessions.week_start_date) as active_weeks,
        min(scoped_sessions.session_date) as first_session_date
    from scoped_sessions
    group by 1, 2, 3

),

enrolled as (

    select distinct
        stints.school_year,
        stints.school_code,
        stints.student_id
    from stints
    union
    select distinct
        stints.school_year,
        'DISTRICT' as school_code,
        stints.student_id
    from stints

),

final as (

    select
        usage.school_year,
        usage.school_code,
        usage.student_id,
        usage.sessions,
        cast(usage.minutes as bigint) as minutes,
        usage.active_weeks,
        usage.first_session_date,
        cast(usage.minutes * 1.0 / usage.active_weeks as {{ type_double() }})
            as minutes_per_active_week,
        usage.sessions >= {{ var('high_dose_sessions_per_week') }} * usage.active_weeks
            as is_high_dose,
        coalesce(most_in_need.is_most_in_need, false) as is_most_in_need,
        enrolled.student_id is not null as is_enrolled_in_scope
    from usage
    left join most_in_need
        on
            usage.student_id = most_in_need.student_id
            and usage.school_year = most_in_need.school_year
    left join enrolled
        on
            usage.school_year = enrolled.school_year
            and usage.school_code = enrolled.school_code
            and usage.student_id = enrolled.student_id

)

select * from final
{{ incremental_build_order() }}
