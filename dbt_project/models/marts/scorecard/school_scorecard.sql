{#- The school scorecard: every measure for every school (and the district) and student group
    by school year, with status, change, Dashboard levels and colour, the goal set for it and the
    value its trajectory expects this year. Each row says whether its value is reported
    (reporting_status) and whether its change from last year is (change_status): a measure
    whose source the district declares absent, or that needs more school years than are
    loaded, has an all-students row with a NULL value that says so
    (int_scorecard_reporting_statuses).
    Incremental by school year (macros/incremental_school_years.sql). Goals and
    trajectories are read whole: a plan spans years. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

measure_values as (

    select * from {{ ref('int_scorecard_reporting_statuses') }}
    where {{ incremental_school_year_filter('school_year') }}

),

dashboard_levels as (

    select * from {{ ref('int_scorecard_dashboard_levels') }}
    where {{ incremental_school_year_filter('school_year') }}

),

target_trajectories as (

    select * from {{ ref('int_scorecard_target_trajectories') }}

),

targets as (

    select * from {{ ref('int_scorecard_targets_resolved') }}

),

schools as (

    select * from {{ ref('dim_schools') }}

),

joined as (

    select
        measure_values.*,
        dashboard_levels.status_level,
        dashboard_levels.change_level,
        dashboard_levels.has_min_n_for_color,
        dashboard_levels.color,
        dashboard_levels.color_rank,
        schools.school_name,
        schools.school_level,
        targets.goal_code,
        targets.target_source,
        targets.trajectory,
        targets.baseline_school_year,
        targets.baseline_value,
        targets.target_school_year,
        targets.target_value,
        target_trajectories.expected_value
    from measure_values
    left join dashboard_levels
        on
            measure_values.school_code = dashboard_levels.school_code
            and measure_values.school_year = dashboard_levels.school_year
            and measure_values.measure_code = dashboard_levels.measure_code
            and measure_values.student_group = dashboard_levels.student_group
    left join schools
        on measure_values.school_code = schools.school_code
    left join targets
        on
            measure_values.school_code = targets.school_code
            and measure_values.measure_code = targets.measure_code
            and measure_values.student_group = targets.student_group
    left join target_trajectories
        on
            measure_values.school_code = target_trajectories.school_code
            and measure_values.measure_code = target_trajectories.measure_code
            and measure_values.student_group = target_trajectories.student_group
            and measure_values.school_year_start = target_trajectories.school_year_start

),

final as (

    select
        joined.school_year,
        joined.school_code,
        case
            when joined.school_code = 'DISTRICT' then '{{ var("scorecard_district_name") }}'
            else joined.school_name
        end as school_name,
        case
            when joined.school_code = 'DISTRICT' then 'DISTRICT'
            else joined.school_level
        end as school_level,
        joined.student_group,
        joined.measure_code,
        joined.measure_name,
        joined.unit,
        joined.higher_is_better,
        joined.numerator,
        joined.denominator as n,
        joined.value,
        joined.reporting_status,
        joined.status,
        joined.status_level,
        joined.prior_value,
        joined.prior_status,
        joined.change,
        joined.change_status,
        joined.status_change,
        joined.change_level,
        joined.has_min_n_for_color,
        joined.color,
        joined.color_rank,
        joined.goal_code,
        joined.target_source,
        joined.trajectory,
        joined.baseline_school_year,
        joined.baseline_value,
        joined.target_school_year,
        joined.target_value,
        joined.expected_value,
        case
            when joined.status is null or joined.expected_value is null then null
            when joined.higher_is_better
                then joined.status >= {{ scorecard_status('joined.expected_value', 'joined.unit') }}
            when not joined.higher_is_better
                then joined.status <= {{ scorecard_status('joined.expected_value', 'joined.unit') }}
        end as is_on_track,
        joined.source_model
    from joined

)

select * from final
{{ incremental_build_order() }}
