{#- One row per survey administration (school year and season): its first response date (the
    date enrolment is counted on for the response rate) and the grades surveyed anywhere in the
    district (a grade with at least one response).
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

    select
        responses.school_year,
        responses.season,
        min(responses.response_date) as administration_date,
        max(responses.response_date) as last_response_date
    from responses
    group by 1, 2

)

select * from final
{{ incremental_build_order() }}
