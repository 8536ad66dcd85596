{#- Each measured value with its catalog attributes, the status shown for it (the value rounded
    for display) and the change from the same school, measure and group's value last year.
    Last year is the previous row of the same series when that row is the year before (a window,
    not a self-join: one pass over millions of rows).
    Incremental by school year (macros/incremental_school_years.sql). Reads the
    recomputed years and the year before each; writes the recomputed years. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

measure_values as (

    select * from {{ ref('int_measure_values_unioned') }}
    where {{ incremental_school_year_with_prior_filter('school_year') }}

),

measure_catalog as (

    select * from {{ ref('measure_catalog') }}

),

with_catalog as (

    select
        measure_values.*,
        measure_catalog.measure_name,
        measure_catalog.unit,
        measure_catalog.higher_is_better,
        coalesce(measure_catalog.has_dashboard_color, false) as has_dashboard_color,
        {{ scorecard_status('measure_values.value', 'measure_catalog.unit') }} as status
    from measure_values
    left join measure_catalog
        on measure_values.measure_code = measure_catalog.measure_code

),

with_last_year as (

    select
        with_catalog.*,
        lag(with_catalog.school_year_start) over same_series as last_row_school_year_start,
        lag(with_catalog.value) over same_series as last_row_value,
        lag(with_catalog.status) over same_series as last_row_status,
        lag(with_catalog.denominator) over same_series as last_row_denominator
    from with_catalog
    window same_series as (
        partition by with_catalog.school_code, with_catalog.measure_code, with_catalog.student_group
        order by with_catalog.school_year_start
    )

),

last_year as (

    select
        with_last_year.*,
        with_last_year.last_row_school_year_start = with_last_year.school_year_start - 1
            as is_last_row_last_year
    from with_last_year

),

final as (

    select
        last_year.school_year,
        last_year.school_year_start,
        last_year.school_code,
        last_year.student_group,
        last_year.measure_code,
        last_year.measure_name,
        last_year.unit,
        last_year.higher_is_better,
        last_year.has_dashboard_color,
        last_year.numerator,
        last_year.denominator,
        last_year.value,
        last_year.status,
        case when last_year.is_last_row_last_year then last_year.last_row_value end as prior_value,
        case when last_year.is_last_row_last_year then last_year.last_row_status end as prior_status,
        case
            when last_year.is_last_row_last_year then last_year.last_row_denominator
        end as prior_denominator,
        case
            when last_year.is_last_row_last_year then last_year.value - last_year.last_row_value
        end as change,
        case
            when last_year.is_last_row_last_year
                then {{ scorecard_status('last_year.status - last_year.last_row_status', 'last_year.unit') }}
        end as status_change,
        last_year.source_model
    from last_year
    where {{ incremental_school_year_filter('last_year.school_year') }}

)

select * from final
{{ incremental_build_order() }}
