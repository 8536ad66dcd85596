{#- Survey measures in the long measure contract: one row per school year, school (or DISTRICT),
    student group and measure. Item responses are pooled over the constructs of a type and over
    the year's administrations (reversed items flipped). The denominator is respondents
    (students, or responses without a student id), so small groups are suppressed on people,
    not on item counts; the shares and means are over item responses, so numerator is NULL.
    - SEL_FAVORABLE / CLIMATE_FAVORABLE: favourable item responses / item responses, percent.
    - SEL_MEAN: mean scored value of SEL item responses.
    - SURVEY_RESPONSE_RATE: respondents / students enrolled in the surveyed grades on each
      administration's first response date, summed over the year's administrations.
    - SEL_FAVORABLE_GROWTH: (this year's SEL_FAVORABLE − last year's) / last year's × 100, the
      relative change the LAUSD "+8%" goal is stated in (the point change is in
      survey_construct_results).
    Incremental by school year (macros/incremental_school_years.sql). Last year's SEL_FAVORABLE
    comes from this table when last year is not recomputed in the same run. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

scores as (

    select * from {{ ref('int_survey_respondent_construct_scores') }}
    where {{ incremental_school_year_filter('school_year') }}

),

response_rates as (

    select * from {{ ref('survey_response_rates') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

scoped as (

    select
        scores.school_year,
        scores.school_code,
        scores.student_id,
        scores.respondent_key,
        scores.construct_type,
        scores.item_responses,
        scores.favorable_responses,
        scores.score_sum
    from scores
    union all
    select
        scores.school_year,
        'DISTRICT' as school_code,
        scores.student_id,
        scores.respondent_key,
        scores.construct_type,
        scores.item_responses,
        scores.favorable_responses,
        scores.score_sum
    from scores

),



{#- One row per respondent, scope and construct type: respondents are then counted by rows. -#}
respondent_types as (

    select
        scoped.school_year,
        scoped.school_code,
        scoped.student_id,
        scoped.respondent_key,
        scoped.construct_type,
        sum(scoped.item_responses) as item_responses,
        sum(scoped.favorable_responses) as favorable_responses,
        sum(scoped.score_sum) as score_sum
    from scoped
    group by 1, 2, 3, 4, 5

),

{{ survey_pool_over_student_groups(
    'pooled',
    'respondent_types',
    'student_groups',
    ['school_year', 'school_code', 'construct_type'],
    ['item_responses', 'favorable_responses', 'score_sum'],
) }},

by_type as (

    select
        pooled.school_year,
        pooled.school_code,
        pooled.student_group,
        pooled.construct_type,
        pooled.respondents,
        pooled.favorable_responses * 100.0 / pooled.item_responses as percent_favorable,
        pooled.score_sum * 1.0 / pooled.item_responses as mean_score
    from pooled

),

{#- SEL percent favourable per school, group and year: this run's, and on an incremental run
    last year's as published (SEL_FAVORABLE) when last year is not recomputed in the same run. -#}
sel_favorable as (

    select
        by_type.school_year,
        by_type.school_code,
        by_type.student_group,
        by_type.percent_favorable as value
    from by_type
    where by_type.construct_type = 'SEL'

),

sel_favorable_with_prior_year as (

    {{ incremental_with_prior_year_rows(
        'sel_favorable',
        ['school_year', 'school_code', 'student_group', 'value'],
        where="measure_code = 'SEL_FAVORABLE'",
    ) }}

),

sel_growth as (

    select
        this_year.school_year,
        this_year.school_code,
        this_year.student_group,
        this_year.respondents,
        {{ relative_change_pct('this_year.percent_favorable', 'last_year.value') }} as growth_pct
    from by_type as this_year
    inner join sel_favorable_with_prior_year as last_year
        on
            last_year.school_year = {{ previous_school_year('this_year.school_year') }}
            and this_year.school_code = last_year.school_code
            and this_year.student_group = last_year.student_group
    where
        this_year.construct_type = 'SEL'
        and last_year.value > 0

),

yearly_response_rates as (

    select
        response_rates.school_year,
        response_rates.school_code,
        response_rates.student_group,
        sum(response_rates.respondents) as respondents,
        sum(response_rates.enrolled_students) as enrolled_students
    from response_rates
    group by 1, 2, 3

),

measures as (

    select
        by_type.school_year,
        by_type.school_code,
        by_type.student_group,
        case by_type.construct_type
            when 'SEL' then 'SEL_FAVORABLE'
            when 'CLIMATE' then 'CLIMATE_FAVORABLE'
        end as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        by_type.respondents as denominator,
        by_type.percent_favorable as value
    from by_type
    where by_type.construct_type in ('SEL', 'CLIMATE')

    union all

    select
        by_type.school_year,
        by_type.school_code,
        by_type.student_group,
        'SEL_MEAN' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        by_type.respondents as denominator,
        by_type.mean_score as value
    from by_type
    where by_type.construct_type = 'SEL'

    union all

    select
        yearly_response_rates.school_year,
        yearly_response_rates.school_code,
        yearly_response_rates.student_group,
        'SURVEY_RESPONSE_RATE' as measure_code,
        yearly_response_rates.respondents as numerator,
        yearly_response_rates.enrolled_students as denominator,
        yearly_response_rates.respondents * 100.0 / yearly_response_rates.enrolled_students
            as value
    from yearly_response_rates
    where yearly_response_rates.enrolled_students > 0

    union all

    select
        sel_growth.school_year,
        sel_growth.school_code,
        sel_growth.student_group,
        'SEL_FAVORABLE_GROWTH' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        sel_growth.respondents as denominator,
        sel_growth.growth_pct as value
    from sel_growth

),

final as (

    select
        measures.school_year,
        measures.school_code,
        measures.student_group,
        measures.measure_code,
        cast(measures.numerator as {{ type_double() }}) as numerator,
        cast(measures.denominator as bigint) as denominator,
        cast(measures.value as {{ type_double() }}) as value
    from measures

)

select * from final
{{ incremental_build_order() }}
