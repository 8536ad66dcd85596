{#- The workforce measures in the long measure contract (dbt_project/README.md): one row per
    school year, school (or DISTRICT), student group and measure. Student group is `ALL` except
    STAFF_REPRESENTATION_RATIO, whose student_group holds the race/ethnicity group compared.
    numerator / denominator per measure:
    - STAFF_DIVERSITY_GAP: NULL / staff with a reported race; value in points.
    - STAFF_SIMPSON_INDEX: NULL / staff with a reported race; value 0–1.
    - STAFF_REPRESENTATION_RATIO: staff in the group / staff with a reported race; value the ratio.
    - VACANCY_RATE_*: open vacancies / active positions. FILL_RATE_*: filled / posted.
    - STAFF_RETENTION: retained staff / staff on the previous snapshot (value for the later year).
    - STAFF_FTE_PER_100_STUDENTS: FTE / census-day students.
    - SALARY_PER_PUPIL: salary dollars / census-day students. -#}
with

diversity as (

    select * from {{ ref('staffing_diversity_index') }}

),

representation as (

    select * from {{ ref('staffing_representation_by_race') }}

),

vacancies as (

    select * from {{ ref('vacancy_fill_rates_by_school') }}

),

retention as (

    select * from {{ ref('staff_retention') }}

),

resources as (

    select * from {{ ref('staff_resources_by_school') }}

),

measures as (

    select
        diversity.school_year,
        diversity.school_code,
        'ALL' as student_group,
        'STAFF_DIVERSITY_GAP' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        diversity.staff_count as denominator,
        diversity.diversity_gap_points as value
    from diversity
    where diversity.diversity_gap_points is not null

    union all

    select
        diversity.school_year,
        diversity.school_code,
        'ALL' as student_group,
        'STAFF_SIMPSON_INDEX' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        diversity.staff_count as denominator,
        diversity.staff_simpson_index as value
    from diversity
    where diversity.staff_simpson_index is not null

    union all

    select
        representation.school_year,
        representation.school_code,
        representation.race_ethnicity_code as student_group,
        'STAFF_REPRESENTATION_RATIO' as measure_code,
        representation.staff_count as numerator,
        representation.staff_total as denominator,
        representation.representation_ratio as value
    from representation
    where representation.representation_ratio is not null

    {% for category in ['CERT', 'CLAS'] %}
        union all

        select
            vacancies.school_year,
            vacancies.school_code,
            'ALL' as student_group,
            'VACANCY_RATE_{{ category }}' as measure_code,
            vacancies.open_vacancies as numerator,
            vacancies.active_positions as denominator,
            vacancies.vacancy_rate_pct as value
        from vacancies
        where vacancies.job_category = '{{ category }}' and vacancies.vacancy_rate_pct is not null

        union all

        select
            vacancies.school_year,
            vacancies.school_code,
            'ALL' as student_group,
            'FILL_RATE_{{ category }}' as measure_code,
            vacancies.vacancies_filled as numerator,
            vacancies.vacancies_posted as denominator,
            vacancies.fill_rate_pct as value
        from vacancies
        where vacancies.job_category = '{{ category }}' and vacancies.fill_rate_pct is not null
    {% endfor %}

    union all

    select
        retention.school_year,
        retention.school_code,
        'ALL' as student_group,
        'STAFF_RETENTION' as measure_code,
        retention.staff_retained as numerator,
        retention.staff_on_prior_snapshot as denominator,
        retention.retention_rate_pct as value
    from retention

    union all

    select
        resources.school_year,
        resources.school_code,
        'ALL' as student_group,
        'STAFF_FTE_PER_100_STUDENTS' as measure_code,
        resources.staff_fte as numerator,
        resources.enrolled_students as denominator,
        resources.fte_per_100_students as value
    from resources
    where resources.fte_per_100_students is not null

    union all

    select
        resources.school_year,
        resources.school_code,
        'ALL' as student_group,
        'SALARY_PER_PUPIL' as measure_code,
        resources.salary_dollars as numerator,
        resources.enrolled_students as denominator,
        resources.salary_per_pupil as value
    from resources
    where resources.salary_per_pupil is not null

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
