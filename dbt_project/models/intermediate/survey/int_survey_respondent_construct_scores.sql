{#- One row per survey response and construct: the respondent's item responses to the
    construct, how many were favourable and the sum of scored values, so marts can pool item
    responses over any set of respondents and constructs without going back to item rows.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

scored as (

    select * from {{ ref('int_survey_item_responses_scored') }}
    where {{ incremental_school_year_filter('school_year') }}

),

final as (

    select
        scored.school_year,
        scored.season,
        scored.response_id,
        scored.respondent_key,
        scored.student_id,
        scored.school_code,
        scored.grade_level,
        scored.construct_type,
        scored.construct,
        count(*) as item_responses,
        count(*) filter (where scored.is_favorable) as favorable_responses,
        sum(scored.scored_value) as score_sum
    from scored
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9

)

select * from final
{{ incremental_build_order() }}
