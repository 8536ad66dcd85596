{#- Tutoring measures in the long measure contract: one row per school year, school (or
    DISTRICT), student group and measure. Completed sessions only; a session counts at its own
    school_code and in the school year of its local date. Each participant counts in every
    group they are in that year (int_student_groups_annual); a participant the SIS does not
    know that year counts in ALL only. numerator / denominator:
    - TUTORING_PARTICIPATION: participants enrolled at the school that year / cumulative
      enrolment (students enrolled at the school on any day of the year).
    - TUTORING_SESSIONS: completed sessions / participants; value = sessions.
    - TUTORING_MOST_IN_NEED_SHARE: most-in-need participants / participants.
    - TUTORING_MINUTES_PER_WEEK: NULL / participants; value = mean of minutes per active week.
    - TUTORING_HIGH_DOSE: participants averaging >= 3 sessions per active week / participants.
    - ACCELERATION_DAY_PARTICIPANTS: participants / participants; value = participants.
    - ACCELERATION_DAY_STUDENT_DAYS: student-days / participants; value = student-days.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

participants as (

    select * from {{ ref('int_tutoring_participants_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

acceleration as (

    select * from {{ ref('int_acceleration_day_participants_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

enrollment_by_group as (

    select * from {{ ref('enrollment_by_group') }}
    where {{ incremental_school_year_filter('school_year') }}

),

participant_groups as (

    select
        participants.*,
        student_groups.student_group
    from participants
    inner join student_groups
        on
            participants.student_id = student_groups.student_id
            and participants.school_year = student_groups.school_year
    union all
    select
        participants.*,
        'ALL' as student_group
    from participants
    where not exists (
        select 1
        from student_groups
        where
            student_groups.student_id = participants.student_id
            and student_groups.school_year = participants.school_year
            and student_groups.student_group = 'ALL'
    )

),

acceleration_groups as (

    select
        acceleration.*,
        student_groups.student_group
    from acceleration
    inner join student_groups
        on
            acceleration.student_id = student_groups.student_id
            and acceleration.school_year = student_groups.school_year
    union all
    select
        acceleration.*,
        'ALL' as student_group
    from acceleration
    where not exists (
        select 1
        from student_groups
        where
            student_groups.student_id = acceleration.student_id
            and student_groups.school_year = acceleration.school_year
            and student_groups.student_group = 'ALL'
    )

),

usage_by_group as (

    select
        participant_groups.school_year,
        participant_groups.school_code,
        participant_groups.student_group,
        count(*) as participants,
        count(*) filter (where participant_groups.is_enrolled_in_scope) as enrolled_participants,
        sum(participant_groups.sessions) as sessions,
        count(*) filter (where participant_groups.is_most_in_need) as most_in_need_participants,
        avg(participant_groups.minutes_per_active_week) as mean_minutes_per_active_week,
        count(*) filter (where participant_groups.is_high_dose) as high_dose_participants
    from participant_groups
    group by 1, 2, 3

),

acceleration_by_group as (

    select
        acceleration_groups.school_year,
        acceleration_groups.school_code,
        acceleration_groups.student_group,
        count(*) as participants,
        sum(acceleration_groups.student_days) as student_days
    from acceleration_groups
    group by 1, 2, 3

),

measures as (

    select
        enrollment_by_group.school_year,
        enrollment_by_group.school_code,
        enrollment_by_group.student_group,
        'TUTORING_PARTICIPATION' as measure_code,
        coalesce(usage_by_group.enrolled_participants, 0) as numerator,
        enrollment_by_group.cumulative_enrollment as denominator,
        coalesce(usage_by_group.enrolled_participants, 0) * 100.0
        / enrollment_by_group.cumulative_enrollment as value
    from enrollment_by_group
    left join usage_by_group
        on
            enrollment_by_group.school_year = usage_by_group.school_year
            and enrollment_by_group.school_code = usage_by_group.school_code
            and enrollment_by_group.student_group = usage_by_group.student_group
    where
        enrollment_by_group.cumulative_enrollment > 0
        and enrollment_by_group.school_year in (
            select distinct participants.school_year from participants
        )

    union all

    select
        usage_by_group.school_year,
        usage_by_group.school_code,
        usage_by_group.student_group,
        'TUTORING_SESSIONS' as measure_code,
        usage_by_group.sessions as numerator,
        usage_by_group.participants as denominator,
        usage_by_group.sessions as value
    from usage_by_group

    union all

    select
        usage_by_group.school_year,
        usage_by_group.school_code,
        usage_by_group.student_group,
        'TUTORING_MOST_IN_NEED_SHARE' as measure_code,
        usage_by_group.most_in_need_participants as numerator,
        usage_by_group.participants as denominator,
        usage_by_group.most_in_need_participants * 100.0 / usage_by_group.participants as value
    from usage_by_group

    union all

    select
        usage_by_group.school_year,
        usage_by_group.school_code,
        usage_by_group.student_group,
        'TUTORING_MINUTES_PER_WEEK' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        usage_by_group.participants as denominator,
        usage_by_group.mean_minutes_per_active_week as value
    from usage_by_group

    union all

    select
        usage_by_group.school_year,
        usage_by_group.school_code,
        usage_by_group.student_group,
        'TUTORING_HIGH_DOSE' as measure_code,
        usage_by_group.high_dose_participants as numerator,
        usage_by_group.participants as denominator,
        usage_by_group.high_dose_participants * 100.0 / usage_by_group.participants as value
    from usage_by_group

    union all

    select
        acceleration_by_group.school_year,
        acceleration_by_group.school_code,
        acceleration_by_group.student_group,
        'ACCELERATION_DAY_PARTICIPANTS' as measure_code,
        acceleration_by_group.participants as numerator,
        acceleration_by_group.participants as denominator,
        acceleration_by_group.participants as value
    from acceleration_by_group

    union all

    select
        acceleration_by_group.school_year,
        acceleration_by_group.school_code,
        acceleration_by_group.student_group,
        'ACCELERATION_DAY_STUDENT_DAYS' as measure_code,
        acceleration_by_group.student_days as numerator,
        acceleration_by_group.participants as denominator,
        acceleration_by_group.student_days as value
    from acceleration_by_group

),

final as (

    select
        measures.school_year,
        measures.school_code,
        measures.student_group,
        measures.measure_code,
        cast(measures.numerator as {{ type_double() }}) as numerator,
        cast(measures.denominator as bigint) as denominator,
        cast(measures.value as {{ type_double() }}) as value
    from measures

)

select * from final
{{ incremental_build_order() }}
