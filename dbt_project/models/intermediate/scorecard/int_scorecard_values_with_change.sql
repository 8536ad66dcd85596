{#- Each measured value with its catalog attributes, the status shown for it (the value rounded
    for display) and the change from the same school, measure and group's value last year. -#}

with

measure_values as (

    select * from {{ ref('int_measure_values_unioned') }}

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

final as (

    select
        this_year.school_year,
        this_year.school_year_start,
        this_year.school_code,
        this_year.student_group,
        this_year.measure_code,
        this_year.measure_name,
        this_year.unit,
        this_year.higher_is_better,
        this_year.has_dashboard_color,
        this_year.numerator,
        this_year.denominator,
        this_year.value,
        this_year.status,
        last_year.value as prior_value,
        last_year.status as prior_status,
        last_year.denominator as prior_denominator,
        this_year.value - last_year.value as change,
        {{ scorecard_status('this_year.status - last_year.status', 'this_year.unit') }}
            as status_change,
        this_year.source_model
    from with_catalog as this_year
    left join with_catalog as last_year
        on this_year.school_code = last_year.school_code
        and this_year.measure_code = last_year.measure_code
        and this_year.student_group = last_year.student_group
        and this_year.school_year_start - 1 = last_year.school_year_start

)

select * from final
