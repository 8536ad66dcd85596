{#- One row per student, school year and program the student was in that year.
    "Annual" rule: a program span counts for a year when it overlaps any day of one of the
    student's enrolment stints that year (spans clipped to the stints; `end_date` inclusive,
    NULL = open). The first and last clipped dates are kept for models that need them. 
    Incremental by school year (macros/incremental_school_years.sql): the recomputed years'
    stints against every span. -#}
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

spans as (

    select * from {{ ref('stg_sis__program_spans') }}

),

overlapping as (

    select
        stints.student_id,
        stints.school_year,
        spans.program_code,
        greatest(spans.start_date, stints.stint_start_date) as clipped_start_date,
        least(coalesce(spans.end_date, stints.stint_end_date), stints.stint_end_date)
            as clipped_end_date
    from stints
    inner join spans
        on
            stints.student_id = spans.student_id
            and spans.start_date <= stints.stint_end_date
            and (spans.end_date is null or spans.end_date >= stints.stint_start_date)

),

final as (

    select
        overlapping.student_id,
        overlapping.school_year,
        overlapping.program_code,
        min(overlapping.clipped_start_date) as first_active_date,
        max(overlapping.clipped_end_date) as last_active_date
    from overlapping
    group by
        overlapping.student_id,
        overlapping.school_year,
        overlapping.program_code

)

select * from final
{{ incremental_build_order() }}
