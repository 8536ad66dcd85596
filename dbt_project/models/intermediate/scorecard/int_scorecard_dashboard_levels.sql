{#- Dashboard status level, change level and colour for the measured values of measures that
    have cut seeds (dashboard_status_cuts, dashboard_change_cuts, dashboard_color_grid). Levels
    are looked up from the displayed status and the change between displayed statuses, as the
    Dashboard does; the colour needs both levels and at least var min_n_color students. Only the
    coloured measures' rows are kept, so the lookup never copies the whole scorecard.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

status_cuts as (

    select * from {{ ref('dashboard_status_cuts') }}

),

change_cuts as (

    select * from {{ ref('dashboard_change_cuts') }}

),

color_grid as (

    select * from {{ ref('dashboard_color_grid') }}

),

measure_values as (

    select
        school_year,
        school_code,
        student_group,
        measure_code,
        denominator,
        status,
        status_change
    from {{ ref('int_scorecard_values_with_change') }}
    where
        measure_code in (select measure_code from status_cuts)
        and {{ incremental_school_year_filter('school_year') }}

),

with_levels as (

    select
        measure_values.*,
        status_cuts.status_level,
        status_cuts.status_rank,
        change_cuts.change_level,
        change_cuts.change_rank
    from measure_values
    left join status_cuts
        on
            measure_values.measure_code = status_cuts.measure_code
            and {{ scorecard_in_cut_interval('measure_values.status', 'status_cuts') }}
    left join change_cuts
        on
            measure_values.measure_code = change_cuts.measure_code
            and {{ scorecard_in_cut_interval('measure_values.status_change', 'change_cuts') }}

),

final as (

    select
        with_levels.school_year,
        with_levels.school_code,
        with_levels.student_group,
        with_levels.measure_code,
        with_levels.status_level,
        with_levels.status_rank,
        with_levels.change_level,
        with_levels.change_rank,
        coalesce(with_levels.denominator >= {{ var('min_n_color') }}, false)
            as has_min_n_for_color,
        case
            when with_levels.denominator >= {{ var('min_n_color') }} then color_grid.color
        end as color,
        case
            when with_levels.denominator >= {{ var('min_n_color') }} then color_grid.color_rank
        end as color_rank
    from with_levels
    left join color_grid
        on
            with_levels.measure_code = color_grid.measure_code
            and with_levels.status_level = color_grid.status_level
            and with_levels.change_level = color_grid.change_level

)

select * from final
{{ incremental_build_order() }}
