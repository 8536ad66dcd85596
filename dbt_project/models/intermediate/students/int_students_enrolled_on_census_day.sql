{#- One row per student and school year: the school and grade of the student's enrolment on
    census day (the first Wednesday of October by default; vars `census_day_search_start`,
    `census_day_iso_weekday`). Enrolled means entry date <= census day <= exit date (exit date is
    the last day enrolled). Should two stints cover census day, the later entry wins. 
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

census_dated as (

    select
        stints.*,
        {{ students_census_date('stints.school_year') }} as census_date
    from stints

),

enrolled as (

    select
        census_dated.*,
        row_number() over (
            partition by census_dated.student_id, census_dated.school_year
            order by census_dated.entry_date desc, census_dated.school_code
        ) as stint_rank
    from census_dated
    where
        census_dated.stint_start_date <= census_dated.census_date
        and census_dated.stint_end_date >= census_dated.census_date

),

final as (

    select
        enrolled.student_id,
        enrolled.school_code,
        enrolled.school_year,
        enrolled.grade_level,
        enrolled.census_date
    from enrolled
    where enrolled.stint_rank = 1

)

select * from final
{{ incremental_build_order() }}
