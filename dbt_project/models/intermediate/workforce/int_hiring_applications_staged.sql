{#- One row per application with the furthest hiring stage it reached. Reaching a stage implies
    every earlier one, so an application with only a `hired` event still counts as applied,
    screened, interviewed and offered; every application has at least reached `applied`.
    The school year is the one of the application date; the school is the vacancy's. -#}
with

applications as (

    select * from {{ ref('stg_hr__applications') }}

),

events as (

    select * from {{ ref('stg_hr__application_events') }}

),

vacancies as (

    select * from {{ ref('stg_hr__vacancies') }}

),

stages as (

    select * from {{ ref('workforce_hiring_stages') }}

),

furthest_stage as (

    select
        events.application_id,
        max(stages.stage_order) as furthest_stage_order
    from events
    inner join stages
        on events.stage = stages.stage
    group by 1

),

final as (

    select
        applications.application_id,
        applications.applicant_id,
        applications.vacancy_id,
        vacancies.school_code,
        vacancies.job_category,
        applications.applied_date,
        {{ school_year_of('applications.applied_date') }} as school_year,
        applications.race_ethnicity_code,
        greatest(coalesce(furthest_stage.furthest_stage_order, 1), 1) as furthest_stage_order
    from applications
    left join vacancies
        on applications.vacancy_id = vacancies.vacancy_id
    left join furthest_stage
        on applications.application_id = furthest_stage.application_id

)

select * from final
