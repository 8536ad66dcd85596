{#- One row per school year, scope (hosting school, or DISTRICT) and student who attended at
    least one acceleration day: student-days of service (distinct dates attended; a record with
    zero hours attended is not a day of service, one without hours is) and hours.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

acceleration_days as (

    select * from {{ ref('stg_tutoring__acceleration_days') }}

),

attended as (

    select
        {{ school_year_of('acceleration_days.event_date') }} as school_year,
        acceleration_days.school_code,
        acceleration_days.student_id,
        acceleration_days.event_date,
        acceleration_days.hours_attended
    from acceleration_days
    where
        (acceleration_days.hours_attended is null or acceleration_days.hours_attended > 0)
        and {{ incremental_school_year_dates_filter('acceleration_days.event_date') }}

),

scoped as (

    select
        attended.school_year,
        attended.school_code,
        attended.student_id,
        attended.event_date,
        attended.hours_attended
    from attended
    where attended.school_code is not null
    union all
    select
        attended.school_year,
        'DISTRICT' as school_code,
        attended.student_id,
        attended.event_date,
        attended.hours_attended
    from attended

),

final as (

    select
        scoped.school_year,
        scoped.school_code,
        scoped.student_id,
        count(distinct scoped.event_date) as student_days,
        cast(sum(scoped.hours_attended) as {{ type_double() }}) as hours_attended
    from scoped
    group by 1, 2, 3

)

select * from final
{{ incremental_build_order() }}
