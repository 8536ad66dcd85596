{#- Graduates: students whose enrolment that school year ended with exit code `GR`. The
    graduating school is that enrolment's school; if the SIS holds more than one GR exit in a
    year, the latest exit date (then the latest entry date) is the graduation.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}
    where {{ incremental_school_year_filter('school_year') }}

),

graduating_enrollments as (

    select
        enrollments.student_id,
        enrollments.school_year,
        enrollments.school_code,
        enrollments.exit_date as graduation_date,
        row_number() over (
            partition by enrollments.student_id, enrollments.school_year
            order by enrollments.exit_date desc, enrollments.entry_date desc
        ) as graduation_order
    from enrollments
    where enrollments.exit_code = 'GR'

),

final as (

    select
        graduating_enrollments.student_id,
        graduating_enrollments.school_year,
        graduating_enrollments.school_code,
        graduating_enrollments.graduation_date
    from graduating_enrollments
    where graduating_enrollments.graduation_order = 1

)

select * from final
{{ incremental_build_order() }}
