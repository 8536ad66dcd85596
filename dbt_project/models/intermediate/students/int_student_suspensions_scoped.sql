{#- One row per student, school year and scope (each school enrolled at, plus `DISTRICT`) over
    the cumulative enrolment, with whether the student had at least one out-of-school
    suspension (action OSS) there that year. At a school, only incidents at that school count;
    district-wide, any incident. Incidents are placed in the school year of their date. 
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

incidents as (

    select * from {{ ref('stg_sis__discipline_incidents') }}
    where {{ incremental_school_year_filter('school_year') }}

),

enrolled_at_school as (

    select distinct
        stints.student_id,
        stints.school_year,
        stints.school_code
    from stints

),

suspended_at_school as (

    select distinct
        incidents.student_id,
        incidents.school_year,
        incidents.school_code
    from incidents
    where incidents.action_code = 'OSS'

),

by_school as (

    select
        enrolled_at_school.student_id,
        enrolled_at_school.school_year,
        enrolled_at_school.school_code,
        suspended_at_school.student_id is not null as has_out_of_school_suspension
    from enrolled_at_school
    left join suspended_at_school
        on
            enrolled_at_school.student_id = suspended_at_school.student_id
            and enrolled_at_school.school_year = suspended_at_school.school_year
            and enrolled_at_school.school_code = suspended_at_school.school_code

),

by_district as (

    select
        by_school.student_id,
        by_school.school_year,
        'DISTRICT' as school_code,
        max(case when district_suspensions.student_id is not null then 1 else 0 end) = 1
            as has_out_of_school_suspension
    from by_school
    left join (
        select distinct suspended_at_school.student_id, suspended_at_school.school_year
        from suspended_at_school
    ) as district_suspensions
        on
            by_school.student_id = district_suspensions.student_id
            and by_school.school_year = district_suspensions.school_year
    group by
        by_school.student_id,
        by_school.school_year

),

final as (

    select * from by_school
    union all
    select * from by_district

)

select * from final
{{ incremental_build_order() }}
