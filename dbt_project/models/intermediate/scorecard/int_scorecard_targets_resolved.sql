{#- One row per goal a school (or the district) has set: the plan in absolute terms, with the
    baseline filled in from measured values where the plan leaves it empty.
    School plans (planning school targets) state target values in the measure's units; the
    district's goals (seed district_goals) may state a gain instead, which needs the baseline. -#}

with

school_targets as (

    select * from {{ ref('stg_planning__school_targets') }}

),

district_goals as (

    select * from {{ ref('district_goals') }}

),

measure_catalog as (

    select * from {{ ref('measure_catalog') }}

),

measured_values as (

    select * from {{ ref('int_measure_values_unioned') }}

),

school_plans as (

    select
        school_targets.school_code,
        school_targets.goal_code,
        measure_catalog.measure_code,
        school_targets.student_group,
        'school_plan' as target_source,
        'absolute' as target_kind,
        school_targets.trajectory,
        school_targets.baseline_school_year as stated_baseline_school_year,
        cast(school_targets.baseline_value as {{ type_double() }})
            as stated_baseline_value,
        coalesce(
            school_targets.target_school_year, '{{ var("scorecard_default_target_school_year") }}'
        ) as target_school_year,
        cast(school_targets.target_value as {{ type_double() }}) as target_input_value
    from school_targets
    left join measure_catalog
        on school_targets.goal_code = measure_catalog.goal_code
    where school_targets.school_code <> 'DISTRICT'

),

district_plans as (

    select
        'DISTRICT' as school_code,
        district_goals.goal_code,
        district_goals.measure_code,
        district_goals.student_group,
        'district_goal' as target_source,
        district_goals.target_kind,
        '{{ var("district_goal_trajectory") }}' as trajectory,
        district_goals.baseline_school_year as stated_baseline_school_year,
        cast(district_goals.baseline_value as {{ type_double() }})
            as stated_baseline_value,
        district_goals.target_school_year,
        cast(district_goals.target_value as {{ type_double() }}) as target_input_value
    from district_goals

),

plans as (

    select * from school_plans
    union all
    select * from district_plans

),

planned_series as (

    select distinct
        school_code,
        measure_code,
        student_group
    from plans

),

measure_values as (

    select
        measured.school_code,
        measured.measure_code,
        measured.student_group,
        measured.school_year,
        measured.school_year_start,
        measured.value
    from measured_values as measured
    inner join planned_series
        on
            measured.school_code = planned_series.school_code
            and measured.measure_code = planned_series.measure_code
            and measured.student_group = planned_series.student_group
    where measured.value is not null

),

earliest_measured_years as (

    select
        school_code,
        measure_code,
        student_group,
        min(school_year_start) as earliest_school_year_start
    from measure_values
    group by school_code, measure_code, student_group

),

earliest_measured_values as (

    select
        measure_values.school_code,
        measure_values.measure_code,
        measure_values.student_group,
        measure_values.school_year,
        measure_values.value
    from measure_values
    inner join earliest_measured_years
        on
            measure_values.school_code = earliest_measured_years.school_code
            and measure_values.measure_code = earliest_measured_years.measure_code
            and measure_values.student_group = earliest_measured_years.student_group
            and measure_values.school_year_start
            = earliest_measured_years.earliest_school_year_start

),

baselines_resolved as (

    select
        plans.*,
        case
            when plans.stated_baseline_value is not null then 'stated'
            when baseline_year_values.value is not null then 'measured_in_baseline_year'
            when earliest_measured_values.value is not null then 'measured_earliest_year'
        end as baseline_source,
        case
            when plans.stated_baseline_value is not null
                then coalesce(plans.stated_baseline_school_year, earliest_measured_values.school_year)
            when baseline_year_values.value is not null then plans.stated_baseline_school_year
            else earliest_measured_values.school_year
        end as baseline_school_year,
        coalesce(
            plans.stated_baseline_value, baseline_year_values.value, earliest_measured_values.value
        ) as baseline_value
    from plans
    left join measure_values as baseline_year_values
        on
            plans.school_code = baseline_year_values.school_code
            and plans.measure_code = baseline_year_values.measure_code
            and plans.student_group = baseline_year_values.student_group
            and plans.stated_baseline_school_year = baseline_year_values.school_year
    left join earliest_measured_values
        on
            plans.school_code = earliest_measured_values.school_code
            and plans.measure_code = earliest_measured_values.measure_code
            and plans.student_group = earliest_measured_values.student_group

),

final as (

    select
        baselines_resolved.school_code,
        baselines_resolved.goal_code,
        baselines_resolved.measure_code,
        baselines_resolved.student_group,
        baselines_resolved.target_source,
        baselines_resolved.target_kind,
        baselines_resolved.trajectory,
        baselines_resolved.stated_baseline_school_year,
        baselines_resolved.stated_baseline_value,
        baselines_resolved.baseline_source,
        baselines_resolved.baseline_school_year,
        {{ school_year_start('baselines_resolved.baseline_school_year') }}
            as baseline_school_year_start,
        baselines_resolved.baseline_value,
        baselines_resolved.target_school_year,
        {{ school_year_start('baselines_resolved.target_school_year') }}
            as target_school_year_start,
        baselines_resolved.target_input_value,
        case baselines_resolved.target_kind
            when 'absolute' then baselines_resolved.target_input_value
            when 'gain_points'
                then baselines_resolved.baseline_value + baselines_resolved.target_input_value
            when 'gain_relative_pct'
                then
                    baselines_resolved.baseline_value
                    * (1.0 + baselines_resolved.target_input_value / 100.0)
        end as target_value
    from baselines_resolved

)

select * from final
