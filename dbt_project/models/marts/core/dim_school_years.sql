{#- One row per school year found in the SIS calendars or enrolments: its 1 July - 30 June
    bounds, the district's first and last instructional days, census day, and whether it is the
    current year (the latest year that has started by the as-of date, macro
    students_as_of_date). -#}
with calendar_days as (

    select * from {{ ref('stg_sis__calendar_days') }}

),

enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}

),

school_years as (

    select calendar_days.school_year from calendar_days
    union
    select enrollments.school_year from enrollments

),

instructional_bounds as (

    select
        calendar_days.school_year,
        min(calendar_days.calendar_date) as first_instructional_date,
        max(calendar_days.calendar_date) as last_instructional_date
    from calendar_days
    where calendar_days.is_instructional_day
    group by calendar_days.school_year

),

bounded as (

    select
        school_years.school_year,
        {{ students_school_year_start_date('school_years.school_year') }} as start_date,
        {{ students_school_year_end_date('school_years.school_year') }} as end_date,
        instructional_bounds.first_instructional_date,
        instructional_bounds.last_instructional_date,
        {{ students_census_date('school_years.school_year') }} as census_date
    from school_years
    left join instructional_bounds
        on school_years.school_year = instructional_bounds.school_year

),

current_year as (

    select max(bounded.school_year) as school_year
    from bounded
    where bounded.start_date <= (
        select {{ students_as_of_date('enrollments.drop_date') }} from enrollments
    )

),

final as (

    select
        bounded.*,
        coalesce(bounded.school_year = current_year.school_year, false) as is_current
    from bounded
    cross join current_year

)

select * from final
