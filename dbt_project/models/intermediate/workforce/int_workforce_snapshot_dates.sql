{#- One row per school year whose October snapshot date has passed by the as-of date (macro
    students_as_of_date): the date on which staff, positions and vacancies are counted. It is
    the students' census day (dim_school_years.census_date, the first Wednesday of October by
    default), so staff and students are counted on the same day. -#}
with

school_years as (

    select * from {{ ref('dim_school_years') }}

),

enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}

),

as_of as (

    select {{ students_as_of_date('enrollments.drop_date') }} as as_of_date
    from enrollments

),

final as (

    select
        school_years.school_year,
        school_years.census_date as snapshot_date,
        school_years.start_date as school_year_start_date,
        school_years.end_date as school_year_end_date
    from school_years
    cross join as_of
    where school_years.census_date <= as_of.as_of_date

)

select * from final
