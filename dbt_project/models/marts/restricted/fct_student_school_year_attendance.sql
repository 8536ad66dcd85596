{#- Restricted. One row per student, school and school year the student was enrolled at the
    school: days enrolled, absent and present, attendance rate, both chronic-absence rules and the
    LAUSD attendance band. The rules live in int_student_attendance_scoped (documented there);
    this mart keeps the school scope, where a student counts at every school attended.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with scoped as (

    select * from {{ ref('int_student_attendance_scoped') }}
    where {{ incremental_school_year_filter('school_year') }}

),

final as (

    select
        scoped.student_id,
        scoped.school_code,
        scoped.school_year,
        scoped.grade_level,
        scoped.grade_band,
        scoped.enrollment_stints,
        scoped.days_enrolled,
        scoped.days_absent,
        scoped.full_days_absent,
        scoped.days_present,
        scoped.days_attended,
        scoped.attendance_rate,
        scoped.attendance_rate_whole_pct,
        scoped.is_chronic_state_eligible,
        scoped.is_chronically_absent_state,
        scoped.is_chronically_absent_lausd,
        scoped.attendance_band
    from scoped
    where not scoped.is_district_scope

)

select * from final
{{ incremental_build_order() }}
