{#- One row per school, school year and date of the school year (1 July to 30 June, every date,
    weekends included) with the running count of instructional days up to and including that
    date. Enrolled days between two dates are then a difference of two looked-up counts, so no
    student-by-day grid is ever built. Only school years the school has a calendar for appear. 
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

school_years as (

    select distinct
        calendar_days.school_code,
        calendar_days.school_year,
        {{ school_year_start_date('calendar_days.school_year') }} as school_year_start_date
    from calendar_days

),

digits as (

    {% for digit in range(10) -%}
        select {{ digit }} as digit{% if not loop.last %}
            union all{% endif %}
    {% endfor %}

),

day_offsets as (

    select ones.digit + 10 * tens.digit + 100 * hundreds.digit as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    where ones.digit + 10 * tens.digit + 100 * hundreds.digit < 366

),

school_year_dates as (

    select
        school_years.school_code,
        school_years.school_year,
        {%- set calendar_date_expression = dbt.dateadd(
            'day', 'day_offsets.day_offset', 'school_years.school_year_start_date'
        ) %}
        cast({{ calendar_date_expression }} as date) as calendar_date
    from school_years
    cross join day_offsets

),

flagged as (

    select
        school_year_dates.school_code,
        school_year_dates.school_year,
        school_year_dates.calendar_date,
        coalesce(calendar_days.is_instructional_day, false) as is_instructional_day
    from school_year_dates
    left join calendar_days
        on
            school_year_dates.school_code = calendar_days.school_code
            and school_year_dates.calendar_date = calendar_days.calendar_date
    where
        school_year_dates.calendar_date
        <= {{ school_year_end_date('school_year_dates.school_year') }}

),

final as (

    select
        flagged.school_code,
        flagged.school_year,
        flagged.calendar_date,
        flagged.is_instructional_day,
        cast(sum(case when flagged.is_instructional_day then 1 else 0 end) over (
            partition by flagged.school_code, flagged.school_year
            order by flagged.calendar_date
            rows between unbounded preceding and current row
        ) as integer) as instructional_days_through_date
    from flagged

)

select * from final
{{ incremental_build_order() }}
