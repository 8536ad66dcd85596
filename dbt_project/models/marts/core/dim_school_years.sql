{#- One row per school year found in the SIS calendars or enrolments: its 1 July - 30 June
    bounds, the district's first and last instructional days, census day, and whether it is the
    current year (the latest year that has started by the as-of date, macro
    students_as_of_date), the day its figures are counted through and whether that is before
    its last instructional day (a year to date, which reports must say). -#}
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
        {{ school_year_start_date('school_years.school_year') }} as start_date,
        {{ school_year_end_date('school_years.school_year') }} as end_date,
        instructional_bounds.first_instructional_date,
        instructional_bounds.last_instructional_date,
        {{ students_census_date('school_years.school_year') }} as census_date
    from school_years
    left join instructional_bounds
        on school_years.school_year = instructional_bounds.school_year

),

as_of as (

    select {{ students_as_of_date('enrollments.drop_date') }} as as_of_date
    from enrollments

),

current_year as (

    select max(bounded.school_year) as school_year
    from bounded
    where bounded.start_date <= (select as_of.as_of_date from as_of)

),

final as (

    select
        bounded.*,
        coalesce(bounded.school_year = current_year.school_year, false) as is_current,
        case
            when bounded.school_year = current_year.school_year
                then least(
                    as_of.as_of_date,
                    coalesce(bounded.last_instructional_date, bounded.end_date)
                )
            else coalesce(bounded.last_instructional_date, bounded.end_date)
        end as counted_through_date,
        coalesce(
            bounded.school_year = current_year.school_year
            and as_of.as_of_date < bounded.last_instructional_date,
            false
        ) as is_year_to_date
    from bounded
    cross join current_year
    cross join as_of

)

select * from final
