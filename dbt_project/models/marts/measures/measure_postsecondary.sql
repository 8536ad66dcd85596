{#- Post-secondary readiness measures in the measure contract's long form: AG_COMPLETION
    (graduates who completed the a-g sequence with C or better / graduates, at the graduating
    school, in the graduation year) and NINTH_GRADE_ON_TRACK (ninth graders on track / ninth
    graders, at the school of their last grade 09 enrolment). Rules in fct_student_ag_progress
    and fct_student_ninth_grade_on_track. Only complete years are reported: A-G for
    graduation years whose four high school years are all in the loaded course history,
    ninth-grade on track for years whose second-semester marks are posted.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with ag_progress as (

    select * from {{ ref('fct_student_ag_progress') }}
    where {{ incremental_school_year_filter('school_year') }}

),

ninth_grade_on_track as (

    select * from {{ ref('fct_student_ninth_grade_on_track') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

ag_completion_rows as (

    select
        ag_progress.school_year,
        ag_progress.school_code,
        student_groups.student_group,
        'AG_COMPLETION' as measure_code,
        ag_progress.student_id,
        case when ag_progress.is_ag_complete then 1 else 0 end as score
    from ag_progress
    inner join student_groups
        on
            student_groups.student_id = ag_progress.student_id
            and student_groups.school_year = ag_progress.school_year
    where ag_progress.is_history_window_complete

),

ninth_grade_on_track_rows as (

    select
        ninth_grade_on_track.school_year,
        ninth_grade_on_track.school_code,
        student_groups.student_group,
        'NINTH_GRADE_ON_TRACK' as measure_code,
        ninth_grade_on_track.student_id,
        case when ninth_grade_on_track.is_on_track then 1 else 0 end as score
    from ninth_grade_on_track
    inner join student_groups
        on
            student_groups.student_id = ninth_grade_on_track.student_id
            and student_groups.school_year = ninth_grade_on_track.school_year
    where ninth_grade_on_track.is_year_marks_final

),

ag_completion as (

    {{ academics_measure_rollup('ag_completion_rows', 'percent') }}

),

ninth_grade_on_track_rates as (

    {{ academics_measure_rollup('ninth_grade_on_track_rows', 'percent') }}

),

final as (

    select * from ag_completion
    union all
    select * from ninth_grade_on_track_rates

)

select * from final
{{ incremental_build_order() }}
