{#- Assessment measures in the measure contract's long form: one row per school year, school
    (or DISTRICT), student group and measure. Which tested grades feed which measure, and
    whether it is a mean distance from standard or a percent met, is the
    `assessment_measure_grades` seed. A student counts at the school the result is attributed
    to (fct_student_assessments) and in every group of the bridge for that year.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with assessments as (

    select * from {{ ref('fct_student_assessments') }}
    where {{ incremental_school_year_filter('school_year') }}

),

measure_grades as (

    select * from {{ ref('assessment_measure_grades') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_measure_rows as (

    select
        assessments.school_year,
        assessments.school_code,
        student_groups.student_group,
        measure_grades.measure_code,
        measure_grades.statistic,
        assessments.student_id,
        case
            when measure_grades.statistic = 'mean_dfs'
                then 1.0 * assessments.distance_from_standard
            when assessments.is_met_or_exceeded then 1.0
            else 0.0
        end as score
    from assessments
    inner join measure_grades
        on
            measure_grades.subject = assessments.subject
            and measure_grades.grade_tested = assessments.grade_tested
    inner join student_groups
        on
            student_groups.student_id = assessments.student_id
            and student_groups.school_year = assessments.school_year
    where
        (measure_grades.statistic = 'mean_dfs' and assessments.distance_from_standard is not null)
        or (measure_grades.statistic = 'percent_met' and assessments.performance_level is not null)

),

dfs_rows as (

    select * from student_measure_rows
    where student_measure_rows.statistic = 'mean_dfs'

),

met_rows as (

    select * from student_measure_rows
    where student_measure_rows.statistic = 'percent_met'

),

dfs_measures as (

    {{ academics_measure_rollup('dfs_rows', 'mean') }}

),

met_measures as (

    {{ academics_measure_rollup('met_rows', 'percent') }}

),

final as (

    select * from dfs_measures
    union all
    select * from met_measures

)

select * from final
{{ incremental_build_order() }}
