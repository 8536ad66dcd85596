{#- Grain: school year × school need tier (dim_schools.need_tier) × job category. Pools the
    positions and vacancies of the tier's schools (not an average of school rates) and flags
    the tiers held to the vacancy-rate goal (var `workforce_high_need_tiers`) whose vacancy rate
    is above var `vacancy_rate_goal_high_need_pct` (6%). -#}
with

counts as (

    select * from {{ ref('int_workforce_vacancy_counts') }}

),

schools as (

    select * from {{ ref('dim_schools') }}

),

by_tier as (

    select
        counts.school_year,
        coalesce(schools.need_tier, 'UNKNOWN') as need_tier,
        counts.job_category,
        count(distinct counts.school_code) as school_count,
        sum(counts.active_positions) as active_positions,
        sum(counts.open_vacancies) as open_vacancies,
        sum(counts.vacancies_posted) as vacancies_posted,
        sum(counts.vacancies_filled) as vacancies_filled
    from counts
    left join schools
        on counts.school_code = schools.school_code
    group by 1, 2, 3

),

final as (

    select
        by_tier.school_year,
        by_tier.need_tier,
        by_tier.job_category,
        by_tier.school_count,
        cast(by_tier.active_positions as bigint) as active_positions,
        cast(by_tier.open_vacancies as bigint) as open_vacancies,
        cast(case
            when by_tier.active_positions > 0
                then by_tier.open_vacancies * 100.0 / by_tier.active_positions
        end as {{ type_double() }}) as vacancy_rate_pct,
        cast(by_tier.vacancies_posted as bigint) as vacancies_posted,
        cast(by_tier.vacancies_filled as bigint) as vacancies_filled,
        cast(case
            when by_tier.vacancies_posted > 0
                then by_tier.vacancies_filled * 100.0 / by_tier.vacancies_posted
        end as {{ type_double() }}) as fill_rate_pct,
        upper(by_tier.need_tier) in (
            {%- for tier in var('workforce_high_need_tiers') %}
                '{{ tier | upper }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as is_high_need_tier,
        coalesce(
            upper(by_tier.need_tier) in (
                {%- for tier in var('workforce_high_need_tiers') %}
                    '{{ tier | upper }}'{% if not loop.last %},{% endif %}
                {%- endfor %}
            )
            and by_tier.open_vacancies * 100 > {{ var('vacancy_rate_goal_high_need_pct') }}
            * by_tier.active_positions,
            false
        ) as is_above_vacancy_goal
    from by_tier

)

select * from final
