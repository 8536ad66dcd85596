{#- Every scorecard value with its reporting status, and a row that says why for each measure a
    school cannot report: its source declared absent by the district (`not_reported`, macro
    scorecard_absent_sources) or too few school years loaded for a measure that needs earlier
    years (`not_enough_history`, catalog history_school_years). Such a row is the all-students
    row of every school (and the district) measured that year, with a NULL value; a measure of
    an absent source keeps no measured row, so a source loaded empty never reads as zeros.
    change_status says the same of the change from last year.
    Incremental by school year (macros/incremental_school_years.sql). -#}
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

measure_catalog as (

    select * from {{ ref('measure_catalog') }}

),

school_years as (

    select * from {{ ref('dim_school_years') }}

),

first_school_year as (

    select min({{ school_year_start('school_years.school_year') }}) as school_year_start
    from school_years

),

catalog_statuses as (

    select
        measure_catalog.measure_code,
        measure_catalog.measure_name,
        measure_catalog.area,
        measure_catalog.unit,
        measure_catalog.higher_is_better,
        coalesce(measure_catalog.has_dashboard_color, false) as has_dashboard_color,
        coalesce(measure_catalog.history_school_years, 1) as history_school_years,
        {{ scorecard_is_source_absent('measure_catalog.optional_source') }} as is_source_absent
    from measure_catalog

),

measured as (

    select
        measure_values.*,
        coalesce(catalog_statuses.history_school_years, 1) as history_school_years
    from measure_values
    left join catalog_statuses
        on measure_values.measure_code = catalog_statuses.measure_code
    where not coalesce(catalog_statuses.is_source_absent, false)

),

measured_schools as (

    select distinct
        measured.school_year,
        measured.school_year_start,
        measured.school_code
    from measured

),

unmeasured as (

    select
        measured_schools.school_year,
        measured_schools.school_year_start,
        measured_schools.school_code,
        catalog_statuses.measure_code,
        catalog_statuses.measure_name,
        catalog_statuses.area,
        catalog_statuses.unit,
        catalog_statuses.higher_is_better,
        catalog_statuses.has_dashboard_color,
        case
            when catalog_statuses.is_source_absent then 'not_reported'
            when
                measured_schools.school_year_start - (catalog_statuses.history_school_years - 1)
                < first_school_year.school_year_start
                then 'not_enough_history'
        end as reporting_status
    from measured_schools
    cross join catalog_statuses
    cross join first_school_year
    left join measured
        on
            measured_schools.school_year = measured.school_year
            and measured_schools.school_code = measured.school_code
            and catalog_statuses.measure_code = measured.measure_code
            and measured.student_group = 'ALL'
    where measured.measure_code is null

),

final as (

    select
        measured.school_year,
        measured.school_year_start,
        measured.school_code,
        measured.student_group,
        measured.measure_code,
        measured.measure_name,
        measured.unit,
        measured.higher_is_better,
        measured.has_dashboard_color,
        measured.numerator,
        measured.denominator,
        measured.value,
        measured.status,
        measured.prior_value,
        measured.prior_status,
        measured.prior_denominator,
        measured.change,
        measured.status_change,
        'reported' as reporting_status,
        case
            when measured.change is not null then 'reported'
            when
                measured.school_year_start - measured.history_school_years
                < first_school_year.school_year_start
                then 'not_enough_history'
            else 'no_prior_value'
        end as change_status,
        measured.source_model
    from measured
    cross join first_school_year

    union all

    select
        unmeasured.school_year,
        unmeasured.school_year_start,
        unmeasured.school_code,
        'ALL' as student_group,
        unmeasured.measure_code,
        unmeasured.measure_name,
        unmeasured.unit,
        unmeasured.higher_is_better,
        unmeasured.has_dashboard_color,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ dbt.type_bigint() }}) as denominator,
        cast(null as {{ type_double() }}) as value,
        cast(null as {{ type_double() }}) as status,
        cast(null as {{ type_double() }}) as prior_value,
        cast(null as {{ type_double() }}) as prior_status,
        cast(null as {{ dbt.type_bigint() }}) as prior_denominator,
        cast(null as {{ type_double() }}) as change,
        cast(null as {{ type_double() }}) as status_change,
        unmeasured.reporting_status,
        unmeasured.reporting_status as change_status,
        {{ dbt.concat(["'measure_'", 'unmeasured.area']) }} as source_model
    from unmeasured
    where unmeasured.reporting_status is not null

)

select * from final
{{ incremental_build_order() }}
