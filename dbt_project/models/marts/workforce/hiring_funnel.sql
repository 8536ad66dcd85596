{#- Grain: school year (of the application date) × school (or DISTRICT) × applicant
    race/ethnicity group (the seven groups, DS for declined to state, ALL for every application)
    × hiring stage. Counts applications, not people: an applicant who applies to two vacancies
    is two applications. Central-office vacancies appear only in the DISTRICT rows. The
    pass-through rate is the share of applications at the previous stage that reached this one
    (100% at `applied`). -#}
with

applications as (

    select * from {{ ref('int_hiring_applications_staged') }}

),

stages as (

    select * from {{ ref('workforce_hiring_stages') }}

),

scoped as (

    select
        applications.school_year,
        applications.school_code,
        applications.race_ethnicity_code,
        applications.furthest_stage_order
    from applications
    where applications.school_code is not null
    union all
    select
        applications.school_year,
        'DISTRICT' as school_code,
        applications.race_ethnicity_code,
        applications.furthest_stage_order
    from applications

),

grouped as (

    select
        scoped.school_year,
        scoped.school_code,
        scoped.race_ethnicity_code,
        scoped.furthest_stage_order
    from scoped
    union all
    select
        scoped.school_year,
        scoped.school_code,
        'ALL' as race_ethnicity_code,
        scoped.furthest_stage_order
    from scoped

),

reached as (

    select
        grouped.school_year,
        grouped.school_code,
        grouped.race_ethnicity_code,
        stages.stage,
        stages.stage_order,
        count(*) filter (where grouped.furthest_stage_order >= stages.stage_order)
            as applications_reached
    from grouped
    cross join stages
    group by 1, 2, 3, 4, 5

),

with_previous as (

    select
        reached.*,
        lag(reached.applications_reached) over (
            partition by reached.school_year, reached.school_code, reached.race_ethnicity_code
            order by reached.stage_order
        ) as applications_at_previous_stage
    from reached

),

final as (

    select
        with_previous.school_year,
        with_previous.school_code,
        with_previous.race_ethnicity_code,
        with_previous.stage,
        with_previous.stage_order,
        with_previous.applications_reached,
        coalesce(
            with_previous.applications_at_previous_stage, with_previous.applications_reached
        ) as applications_at_previous_stage,
        cast(case
            when
                coalesce(
                    with_previous.applications_at_previous_stage,
                    with_previous.applications_reached
                ) > 0
                then
                    with_previous.applications_reached * 100.0
                    / coalesce(
                        with_previous.applications_at_previous_stage,
                        with_previous.applications_reached
                    )
        end as {{ type_double() }}) as pass_through_rate_pct
    from with_previous

)

select * from final
