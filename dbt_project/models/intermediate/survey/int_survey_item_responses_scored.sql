{#- One row per survey response and answered item, scored. Reversed items are flipped onto the
    item's own scale (scale_min + scale_max − value, so 1 ↔ 5 on a 1–5 item and 1 ↔ 4 on a 1–4
    item); favourable = the scored value is in the top var `survey_favorable_top_points` (2)
    points of the item's scale (4–5 on a 5-point item, 3–4 on a 4-point item). Values outside the
    item's scale are left out. The respondent key is the student id, or the response id for a
    response without one. -#}
{{ config(materialized="view") }}

with

responses as (

    select * from {{ ref('stg_survey__responses') }}

),

items as (

    select * from {{ ref('stg_survey__items') }}

),

scored as (

    select
        responses.response_id,
        coalesce(responses.student_id, responses.response_id) as respondent_key,
        responses.student_id,
        responses.school_code,
        responses.grade_level,
        responses.school_year,
        responses.season,
        responses.response_date,
        responses.item_id,
        items.construct,
        items.construct_type,
        items.is_reversed,
        items.scale_min,
        items.scale_max,
        responses.response_value,
        case
            when items.is_reversed then items.scale_min + items.scale_max - responses.response_value
            else responses.response_value
        end as scored_value
    from responses
    inner join items
        on responses.item_id = items.item_id
    where responses.response_value between items.scale_min and items.scale_max

),

final as (

    select
        scored.*,
        scored.scored_value > scored.scale_max - {{ var('survey_favorable_top_points') }}
            as is_favorable
    from scored

)

select * from final
