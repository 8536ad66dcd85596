{#- Equity gaps: one row per measure, school (or DISTRICT), school year and student group other
    than ALL. Gaps are oriented so that a positive gap means the group does better than the
    comparison (higher value where higher is better, lower where lower is better). The best
    group is sought among the groups of the same category (race, gender, program); ties go to
    the first group code. Values equal to 9 decimal places are ties: two groups of the same
    students (every SED student is HN) get the same mean summed in another order, which differs
    in the last bits from one engine, or one run, to the next. Last year's gap comes from last year's values that
    int_scorecard_values_with_change carries on each row (prior_value), not from a second pass.
    Incremental by school year (macros/incremental_school_years.sql). Last year's gap comes
    with each row (prior_value). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

measure_values as (

    select * from {{ ref('int_scorecard_values_with_change') }}
    where {{ incremental_school_year_filter('school_year') }}

),

group_categories as (

    select distinct
        student_group,
        group_category
    from {{ ref('int_student_groups_annual') }}

),

oriented as (

    select
        measure_values.*,
        coalesce(group_categories.group_category, 'other') as group_category,
        case
            when measure_values.higher_is_better then 1.0
            when not measure_values.higher_is_better then -1.0
        end as better_direction
    from measure_values
    left join group_categories
        on measure_values.student_group = group_categories.student_group

),

all_students as (

    select * from oriented
    where student_group = 'ALL'

),

student_groups as (

    select * from oriented
    where student_group <> 'ALL'

),

best_group_candidates as (

    select
        student_groups.school_year_start,
        student_groups.school_code,
        student_groups.measure_code,
        student_groups.group_category,
        student_groups.student_group,
        student_groups.value,
        {{ scorecard_round('student_groups.value * student_groups.better_direction', 9) }}
            as oriented_value
    from student_groups
    where
        student_groups.denominator >= {{ var('min_n_reporting') }}
        and student_groups.value is not null
        and student_groups.better_direction is not null

),

best_oriented_values as (

    select
        school_year_start,
        school_code,
        measure_code,
        group_category,
        max(oriented_value) as best_oriented_value
    from best_group_candidates
    group by school_year_start, school_code, measure_code, group_category

),

best_groups as (

    select
        best_group_candidates.school_year_start,
        best_group_candidates.school_code,
        best_group_candidates.measure_code,
        best_group_candidates.group_category,
        min(best_group_candidates.student_group) as student_group,
        max(best_group_candidates.value) as value
    from best_group_candidates
    inner join best_oriented_values
        on
            best_group_candidates.school_year_start = best_oriented_values.school_year_start
            and best_group_candidates.school_code = best_oriented_values.school_code
            and best_group_candidates.measure_code = best_oriented_values.measure_code
            and best_group_candidates.group_category = best_oriented_values.group_category
            and best_group_candidates.oriented_value = best_oriented_values.best_oriented_value
    group by
        best_group_candidates.school_year_start,
        best_group_candidates.school_code,
        best_group_candidates.measure_code,
        best_group_candidates.group_category

),

compared as (

    select
        student_groups.school_year,
        student_groups.school_year_start,
        student_groups.school_code,
        student_groups.student_group,
        student_groups.group_category,
        student_groups.measure_code,
        student_groups.measure_name,
        student_groups.unit,
        student_groups.higher_is_better,
        student_groups.denominator as n,
        student_groups.numerator,
        student_groups.value,
        all_students.denominator as all_students_n,
        all_students.numerator as all_students_numerator,
        all_students.value as all_students_value,
        student_groups.value - all_students.value as value_minus_all_students,
        {{ scorecard_oriented_gap('student_groups.value', 'all_students.value', 'student_groups.higher_is_better') }}
            as gap_to_all_students,
        coalesce(student_groups.denominator >= {{ var('min_n_reporting') }}, false)
            as is_best_group_candidate,
        best_groups.student_group as best_group,
        best_groups.value as best_group_value,
        {{ scorecard_oriented_gap('student_groups.value', 'best_groups.value', 'student_groups.higher_is_better') }}
            as gap_to_best_group,
        {{ scorecard_oriented_gap('student_groups.prior_value', 'all_students.prior_value', 'student_groups.higher_is_better') }}
            as prior_gap_to_all_students,
        {{ scorecard_risk_ratio('student_groups', 'all_students') }} as risk_ratio
    from student_groups
    left join all_students
        on
            student_groups.school_code = all_students.school_code
            and student_groups.measure_code = all_students.measure_code
            and student_groups.school_year_start = all_students.school_year_start
    left join best_groups
        on
            student_groups.school_code = best_groups.school_code
            and student_groups.measure_code = best_groups.measure_code
            and student_groups.school_year_start = best_groups.school_year_start
            and student_groups.group_category = best_groups.group_category

),

final as (

    select
        compared.school_year,
        compared.school_code,
        compared.student_group,
        compared.group_category,
        compared.measure_code,
        compared.measure_name,
        compared.unit,
        compared.higher_is_better,
        compared.n,
        compared.numerator,
        compared.value,
        compared.all_students_n,
        compared.all_students_numerator,
        compared.all_students_value,
        compared.value_minus_all_students,
        compared.gap_to_all_students,
        compared.is_best_group_candidate,
        compared.best_group,
        compared.best_group_value,
        compared.gap_to_best_group,
        compared.prior_gap_to_all_students,
        compared.gap_to_all_students - compared.prior_gap_to_all_students
            as gap_to_all_students_change,
        compared.risk_ratio
    from compared

)

select * from final
{{ incremental_build_order() }}
