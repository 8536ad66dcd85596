{#- Grain: school year × season (one administration) × school (plus DISTRICT) × student group.
    Response rate = respondents / students enrolled at the school on the administration's first
    response date in a grade the administration surveyed (a grade with any response in the
    district). The first response date is used instead of census day because enrolment moves
    between October and a spring administration. Respondents are counted whether or not the SIS
    places them at that school on that date.
    Incremental by school year (macros/incremental_school_years.sql). -#}
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

administrations as (

    select * from {{ ref('int_survey_administrations') }}
    where {{ incremental_school_year_filter('school_year') }}

),

administration_grades as (

    select * from {{ ref('int_survey_administration_grades') }}
    where {{ incremental_school_year_filter('school_year') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

respondents as (

    select distinct
        scores.school_year,
        scores.season,
        scores.school_code,
        scores.respondent_key,
        scores.student_id
    from scores
    union
    select distinct
        scores.school_year,
        scores.season,
        'DISTRICT' as school_code,
        scores.respondent_key,
        scores.student_id
    from scores

),

enrolled_at_school as (

    select distinct
        administrations.school_year,
        administrations.season,
        administrations.administration_date,
        stints.school_code,
        stints.student_id
    from administrations
    inner join stints
        on
            administrations.school_year = stints.school_year
            and stints.stint_start_date <= administrations.administration_date
            and stints.stint_end_date >= administrations.administration_date
    inner join administration_grades
        on
            administrations.school_year = administration_grades.school_year
            and administrations.season = administration_grades.season
            and stints.grade_level = administration_grades.grade_level

),

enrolled as (

    select
        enrolled_at_school.school_year,
        enrolled_at_school.season,
        enrolled_at_school.school_code,
        enrolled_at_school.student_id
    from enrolled_at_school
    union
    select
        enrolled_at_school.school_year,
        enrolled_at_school.season,
        'DISTRICT' as school_code,
        enrolled_at_school.student_id
    from enrolled_at_school

),

{#- Respondents and enrolled students, one row each, so that one pooling over student groups
    counts both: each row carries a 1 in the count it belongs to. -#}
counted as (

    select
        respondents.school_year,
        respondents.season,
        respondents.school_code,
        respondents.student_id,
        1 as respondent_rows,
        0 as enrolled_rows
    from respondents
    union all
    select
        enrolled.school_year,
        enrolled.season,
        enrolled.school_code,
        enrolled.student_id,
        0 as respondent_rows,
        1 as enrolled_rows
    from enrolled

),

{{ survey_pool_over_student_groups(
    'pooled',
    'counted',
    'student_groups',
    ['school_year', 'season', 'school_code'],
    ['respondent_rows', 'enrolled_rows'],
) }},

combined as (

    select
        pooled.school_year,
        pooled.season,
        pooled.school_code,
        pooled.student_group,
        cast(pooled.respondent_rows as bigint) as respondents,
        cast(pooled.enrolled_rows as bigint) as enrolled_students
    from pooled

),

final as (

    select
        combined.school_year,
        combined.season,
        administrations.administration_date,
        combined.school_code,
        combined.student_group,
        combined.respondents,
        combined.enrolled_students,
        cast(case
            when combined.enrolled_students > 0
                then combined.respondents * 100.0 / combined.enrolled_students
        end as {{ type_double() }}) as response_rate_pct
    from combined
    left join administrations
        on
            combined.school_year = administrations.school_year
            and combined.season = administrations.season

)

select * from final
{{ incremental_build_order() }}
