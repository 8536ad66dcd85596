{#- The first instructional day of each school's year, from the SIS calendar: the date the
    year "starts" for measures that count students present at the start (English learners at
    the start of the year).
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with calendar_days as (

    select * from {{ ref('stg_sis__calendar_days') }}
    where {{ incremental_school_year_filter('school_year') }}

),

final as (

    select
        calendar_days.school_code,
        calendar_days.school_year,
        min(calendar_days.calendar_date) as first_instructional_date
    from calendar_days
    where calendar_days.is_instructional_day
    group by
        calendar_days.school_code,
        calendar_days.school_year

)

select * from final
{{ incremental_build_order() }}
