{#- Family access measures in the long measure contract: one row per school year, school (or
    DISTRICT), student group and measure, from fct_registrations.
    - REGISTRATION_TO_PLACEMENT_DAYS: mean calendar days from registration to placement, over
      registrations that have a placement date.
    - REGISTRATION_TO_ATTENDANCE_DAYS: mean calendar days from registration to the first day
      of attendance, over registrations whose student has attended.
    Means: numerator NULL, denominator = registrations averaged. Groups come from the bridge for
    the student's school year; a registration whose student never enrolled that year still
    counts in ALL.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with registrations as (

    select * from {{ ref('fct_registrations') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

registration_groups as (

    select
        registrations.registration_id,
        student_groups.student_group
    from registrations
    inner join student_groups
        on
            registrations.student_id = student_groups.student_id
            and registrations.school_year = student_groups.school_year
    where student_groups.student_group <> 'ALL'

    union all

    select
        registrations.registration_id,
        'ALL' as student_group
    from registrations

),

scoped as (

    select registrations.*, registrations.school_code as scope_code from registrations
    union all
    select registrations.*, 'DISTRICT' as scope_code from registrations

),

totals as (

    select
        scoped.school_year,
        scoped.scope_code as school_code,
        registration_groups.student_group,
        count(scoped.days_to_placement) as placed_registrations,
        avg(cast(scoped.days_to_placement as {{ type_double() }})) as mean_days_to_placement,
        count(scoped.days_to_first_attendance) as attended_registrations,
        avg(cast(scoped.days_to_first_attendance as {{ type_double() }}))
            as mean_days_to_first_attendance
    from scoped
    inner join registration_groups
        on scoped.registration_id = registration_groups.registration_id
    group by
        scoped.school_year,
        scoped.scope_code,
        registration_groups.student_group

),

to_placement as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'REGISTRATION_TO_PLACEMENT_DAYS' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        totals.placed_registrations as denominator,
        totals.mean_days_to_placement as value
    from totals
    where totals.placed_registrations > 0

),

to_attendance as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'REGISTRATION_TO_ATTENDANCE_DAYS' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        totals.attended_registrations as denominator,
        totals.mean_days_to_first_attendance as value
    from totals
    where totals.attended_registrations > 0

),

final as (

    select * from to_placement
    union all
    select * from to_attendance

)

select * from final
{{ incremental_build_order() }}
