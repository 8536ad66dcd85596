{#- One row per school year, school (or DISTRICT) and student group: cumulative enrolment
    (students enrolled on at least one day of the year; at DISTRICT each student once) and
    census-day enrolment (students enrolled on census day, at the school of that enrolment).
    The public release and per-pupil measures divide by these.
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

census as (

    select * from {{ ref('int_students_enrolled_on_census_day') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

cumulative_students as (

    select distinct stints.student_id, stints.school_year, stints.school_code from stints
    union all
    select distinct stints.student_id, stints.school_year, 'DISTRICT' as school_code from stints

),

census_students as (

    select census.student_id, census.school_year, census.school_code from census
    union all
    select census.student_id, census.school_year, 'DISTRICT' as school_code from census

),

cumulative_counts as (

    select
        cumulative_students.school_year,
        cumulative_students.school_code,
        student_groups.student_group,
        count(*) as cumulative_enrollment
    from cumulative_students
    inner join student_groups
        on
            cumulative_students.student_id = student_groups.student_id
            and cumulative_students.school_year = student_groups.school_year
    group by
        cumulative_students.school_year,
        cumulative_students.school_code,
        student_groups.student_group

),

census_counts as (

    select
        census_students.school_year,
        census_students.school_code,
        student_groups.student_group,
        count(*) as census_day_enrollment
    from census_students
    inner join student_groups
        on
            census_students.student_id = student_groups.student_id
            and census_students.school_year = student_groups.school_year
    group by
        census_students.school_year,
        census_students.school_code,
        student_groups.student_group

),

final as (

    select
        cumulative_counts.school_year,
        cumulative_counts.school_code,
        cumulative_counts.student_group,
        cumulative_counts.cumulative_enrollment,
        coalesce(census_counts.census_day_enrollment, 0) as census_day_enrollment
    from cumulative_counts
    left join census_counts
        on
            cumulative_counts.school_year = census_counts.school_year
            and cumulative_counts.school_code = census_counts.school_code
            and cumulative_counts.student_group = census_counts.student_group

)

select * from final
{{ incremental_build_order() }}
