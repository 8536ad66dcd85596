{#- English learner measures in the measure contract's long form: EL_RECLASSIFICATION =
    English learners at the start of the year who were reclassified (RFEP) during it / English
    learners at the start of the year, at the school of first enrolment that year. Rules in
    int_english_learners_at_year_start and fct_student_el_reclassification.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with reclassification as (

    select * from {{ ref('fct_student_el_reclassification') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

reclassification_rows as (

    select
        reclassification.school_year,
        reclassification.school_code,
        student_groups.student_group,
        'EL_RECLASSIFICATION' as measure_code,
        reclassification.student_id,
        case when reclassification.is_reclassified then 1 else 0 end as score
    from reclassification
    inner join student_groups
        on
            student_groups.student_id = reclassification.student_id
            and student_groups.school_year = reclassification.school_year

),

final as (

    {{ academics_measure_rollup('reclassification_rows', 'percent') }}

)

select * from final
{{ incremental_build_order() }}
