{#- Grain: school year × school (plus DISTRICT) × construct × student group. Pools every item
    response to the construct's items over the year's administrations: percent favourable
    (favourable item responses / item responses), mean scored value and respondents (students,
    or responses without a student id). Reversed items are flipped before scoring. Year over
    year: the point change in percent favourable and the relative growth
    (this − last) / last × 100 — the form of the LAUSD "+8%" goal.
    Incremental by school year (macros/incremental_school_years.sql). Last year's percent
    favourable comes from this table when last year is not recomputed in the same run. -#}
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
        scores.construct,
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
        scores.construct,
        scores.item_responses,
        scores.favorable_responses,
        scores.score_sum
    from scores

),

{#- One row per respondent, scope and construct, so that respondents are counted with count(*)
    when pooled over student groups (far cheaper than count(distinct) at district scale). -#}
respondent_totals as (

    select
        scoped.school_year,
        scoped.school_code,
        scoped.student_id,
        scoped.respondent_key,
        scoped.construct_type,
        scoped.construct,
        sum(scoped.item_responses) as item_responses,
        sum(scoped.favorable_responses) as favorable_responses,
        sum(scoped.score_sum) as score_sum
    from scoped
    group by 1, 2, 3, 4, 5, 6

),

{{ survey_pool_over_student_groups(
    'pooled',
    'respondent_totals',
    'student_groups',
    ['school_year', 'school_code', 'construct_type', 'construct'],
    ['item_responses', 'favorable_responses', 'score_sum'],
) }},

results as (

    select
        pooled.school_year,
        pooled.school_code,
        pooled.construct_type,
        pooled.construct,
        pooled.student_group,
        pooled.respondents,
        pooled.item_responses,
        pooled.favorable_responses,
        pooled.favorable_responses * 100.0 / pooled.item_responses as percent_favorable,
        pooled.score_sum * 1.0 / pooled.item_responses as mean_score
    from pooled

),

{#- Last year's percent favourable of each row: from this run's rows, or on an incremental run
    from the table as published for a year not recomputed (macro incremental_with_prior_year_rows). -#}
prior_year_results as (

    {{ incremental_with_prior_year_rows(
        'results',
        ['school_year', 'school_code', 'construct', 'student_group', 'percent_favorable'],
    ) }}

),

final as (

    select
        results.school_year,
        results.school_code,
        results.construct_type,
        results.construct,
        results.student_group,
        results.respondents,
        cast(results.item_responses as bigint) as item_responses,
        cast(results.favorable_responses as bigint) as favorable_responses,
        cast(results.percent_favorable as {{ type_double() }}) as percent_favorable,
        cast(results.mean_score as {{ type_double() }}) as mean_score,
        cast(prior_year.percent_favorable as {{ type_double() }})
            as prior_year_percent_favorable,
        cast(results.percent_favorable - prior_year.percent_favorable as {{ type_double() }})
            as favorable_change_points,
        cast(
            {{ relative_change_pct('results.percent_favorable', 'prior_year.percent_favorable') }}
            as {{ type_double() }}
        ) as favorable_growth_pct
    from results
    left join prior_year_results as prior_year
        on
            prior_year.school_year = {{ previous_school_year('results.school_year') }}
            and results.school_code = prior_year.school_code
            and results.construct = prior_year.construct
            and results.student_group = prior_year.student_group

)

select * from final
{{ incremental_build_order() }}
