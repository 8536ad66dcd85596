{#- One row per student, school year and subject tested: the result with its distance from
    standard (scale score minus the Level 3 minimum for the grade and subject) and the school
    it counts for (see int_assessments_attributed_to_schools).
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with assessments as (

    select * from {{ ref('int_assessments_attributed_to_schools') }}
    where {{ incremental_school_year_filter('school_year') }}

),

level3_cut_scores as (

    select * from {{ ref('assessment_level3_cut_scores') }}

),

final as (

    select
        assessments.student_id,
        assessments.school_year,
        assessments.subject,
        assessments.school_code,
        assessments.school_attribution_rule,
        assessments.test_date,
        assessments.grade_tested,
        assessments.scale_score,
        assessments.performance_level,
        level3_cut_scores.level3_min_scale_score,
        assessments.scale_score - level3_cut_scores.level3_min_scale_score
            as distance_from_standard,
        assessments.performance_level >= {{ var('assessment_met_min_performance_level') }}
            as is_met_or_exceeded
    from assessments
    left join level3_cut_scores
        on
            level3_cut_scores.subject = assessments.subject
            and level3_cut_scores.grade_tested = assessments.grade_tested

)

select * from final
{{ incremental_build_order() }}
