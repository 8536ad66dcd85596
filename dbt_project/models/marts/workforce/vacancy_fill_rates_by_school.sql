{#- Grain: school year × school (or DISTRICT) × job category (CERT certificated, CLAS
    classified). Vacancy rate = vacancies open on the October snapshot date / active positions;
    fill rate = vacancies posted in the school year and filled / posted (cancelled excluded).
    DISTRICT sums the school-based positions and vacancies (central office excluded). -#}
with

counts as (

    select * from {{ ref('int_workforce_vacancy_counts') }}

),

schools as (

    select * from {{ ref('dim_schools') }}

),

scoped as (

    select
        counts.school_year,
        counts.school_code,
        counts.job_category,
        counts.active_positions,
        counts.open_vacancies,
        counts.vacancies_posted,
        counts.vacancies_filled
    from counts
    union all
    select
        counts.school_year,
        'DISTRICT' as school_code,
        counts.job_category,
        sum(counts.active_positions) as active_positions,
        sum(counts.open_vacancies) as open_vacancies,
        sum(counts.vacancies_posted) as vacancies_posted,
        sum(counts.vacancies_filled) as vacancies_filled
    from counts
    group by 1, 2, 3

),

final as (

    select
        scoped.school_year,
        scoped.school_code,
        scoped.job_category,
        schools.need_tier,
        cast(scoped.active_positions as bigint) as active_positions,
        cast(scoped.open_vacancies as bigint) as open_vacancies,
        cast(case
            when scoped.active_positions > 0
                then scoped.open_vacancies * 100.0 / scoped.active_positions
        end as {{ type_double() }}) as vacancy_rate_pct,
        cast(scoped.vacancies_posted as bigint) as vacancies_posted,
        cast(scoped.vacancies_filled as bigint) as vacancies_filled,
        cast(case
            when scoped.vacancies_posted > 0
                then scoped.vacancies_filled * 100.0 / scoped.vacancies_posted
        end as {{ type_double() }}) as fill_rate_pct
    from scoped
    left join schools
        on scoped.school_code = schools.school_code

)

select * from final
