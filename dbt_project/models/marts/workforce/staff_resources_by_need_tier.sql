{#- Grain: school year × school need tier (dim_schools.need_tier). Pools the staff FTE, salary
    and census-day students of the tier's schools, so tiers compare on dollars and adults per
    pupil; also the lowest and highest school values within the tier. -#}
with

by_school as (

    select * from {{ ref('staff_resources_by_school') }}

),

final as (

    select
        by_school.school_year,
        coalesce(by_school.need_tier, 'UNKNOWN') as need_tier,
        count(*) as school_count,
        cast(sum(by_school.staff_fte) as {{ type_double() }}) as staff_fte,
        cast(sum(by_school.salary_dollars) as {{ type_double() }}) as salary_dollars,
        cast(sum(by_school.enrolled_students) as bigint) as enrolled_students,
        cast(case
            when sum(by_school.enrolled_students) > 0
                then sum(by_school.staff_fte) * 100.0 / sum(by_school.enrolled_students)
        end as {{ type_double() }}) as fte_per_100_students,
        cast(case
            when sum(by_school.enrolled_students) > 0
                then sum(by_school.salary_dollars) * 1.0 / sum(by_school.enrolled_students)
        end as {{ type_double() }}) as salary_per_pupil,
        min(by_school.salary_per_pupil) as min_school_salary_per_pupil,
        max(by_school.salary_per_pupil) as max_school_salary_per_pupil
    from by_school
    where by_school.school_code <> 'DISTRICT'
    group by 1, 2

)

select * from final
