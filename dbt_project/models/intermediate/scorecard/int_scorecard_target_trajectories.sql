{#- The value each plan expects in every school year from its baseline year to its target year,
    following the plan's trajectory (macro scorecard_trajectory_share holds the formulas).
    Years are generated from the plan, so future years of a plan appear before they are measured. -#}

with

targets as (

    select * from {{ ref('int_scorecard_targets_resolved') }}
    where
        baseline_value is not null
        and target_value is not null
        and baseline_school_year_start is not null
        and target_school_year_start is not null

),

year_offsets as (

    -- dbt.generate_series sums powers of two on Spark: a double, cast back to a whole number.
    select cast(generated_number - 1 as {{ dbt.type_bigint() }}) as years_from_baseline
    from ({{ dbt.generate_series(var('scorecard_max_plan_years') + 1) }}) as generated_numbers

),

plan_years as (

    select
        targets.*,
        year_offsets.years_from_baseline,
        targets.target_school_year_start - targets.baseline_school_year_start
            as years_baseline_to_target,
        targets.baseline_school_year_start + year_offsets.years_from_baseline
            as school_year_start
    from targets
    inner join year_offsets
        on
            year_offsets.years_from_baseline
            <= targets.target_school_year_start - targets.baseline_school_year_start

),

shares as (

    select
        plan_years.*,
        {{ scorecard_trajectory_share(
            'plan_years.trajectory',
            'plan_years.years_from_baseline',
            'plan_years.years_baseline_to_target',
        ) }} as trajectory_share
    from plan_years

),

final as (

    select
        shares.school_code,
        shares.measure_code,
        shares.student_group,
        {{ school_year_label('shares.school_year_start') }} as school_year,
        shares.school_year_start,
        shares.goal_code,
        shares.target_source,
        shares.trajectory,
        shares.baseline_school_year,
        shares.baseline_value,
        shares.target_school_year,
        shares.target_value,
        shares.years_from_baseline,
        shares.years_baseline_to_target,
        shares.trajectory_share,
        shares.baseline_value
        + (shares.target_value - shares.baseline_value) * shares.trajectory_share
            as expected_value
    from shares

)

select * from final
