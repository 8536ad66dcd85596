{#- One row per survey administration and grade level surveyed (at least one response from the
    grade anywhere in the district): the grades whose enrolment is the response-rate
    denominator.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

responses as (

    select * from {{ ref('stg_survey__responses') }}
    where {{ incremental_school_year_filter('school_year') }}

),

final as (

    select distinct
        responses.school_year,
        responses.season,
        responses.grade_level
    from responses
    where responses.grade_level is not null

)

select * from final
{{ incremental_build_order() }}
