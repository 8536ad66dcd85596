{#- One row per survey administration and grade level surveyed (at least one response from the
    grade anywhere in the district): the grades whose enrolment is the response-rate
    denominator. -#}
with

responses as (

    select * from {{ ref('stg_survey__responses') }}

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
