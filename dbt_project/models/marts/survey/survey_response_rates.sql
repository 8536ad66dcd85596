{#- Grain: school year × season (one administration) × school (plus DISTRICT) × student group.
    Response rate = respondents / students enrolled at the school on the administration's first
    response date in a grade the administration surveyed (a grade with any response in the
    district). The first response date is used instead of census day because enrolment moves
    between October and a spring administration. Respondents are counted whether or not the SIS
    places them at that school on that date. -#}
with

scores as (

    select * from {{ ref('int_survey_respondent_construct_scores') }}

),

administrations as (

    select * from {{ ref('int_survey_administrations') }}

),

administration_grades as (

    select * from {{ ref('int_survey_administration_grades') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}

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

respondents_grouped as (

    {{ survey_fan_out_to_student_groups('respondents', 'student_groups') }}

),

enrolled_grouped as (

    {{ survey_fan_out_to_student_groups('enrolled', 'student_groups') }}

),

respondent_counts as (

    select
        respondents_grouped.school_year,
        respondents_grouped.season,
        respondents_grouped.school_code,
        respondents_grouped.student_group,
        count(*) as respondents
    from respondents_grouped
    group by 1, 2, 3, 4

),

enrolled_counts as (

    select
        enrolled_grouped.school_year,
        enrolled_grouped.season,
        enrolled_grouped.school_code,
        enrolled_grouped.student_group,
        count(*) as enrolled_students
    from enrolled_grouped
    group by 1, 2, 3, 4

),

combined as (

    select
        coalesce(respondent_counts.school_year, enrolled_counts.school_year) as school_year,
        coalesce(respondent_counts.season, enrolled_counts.season) as season,
        coalesce(respondent_counts.school_code, enrolled_counts.school_code) as school_code,
        coalesce(respondent_counts.student_group, enrolled_counts.student_group)
            as student_group,
        coalesce(respondent_counts.respondents, 0) as respondents,
        coalesce(enrolled_counts.enrolled_students, 0) as enrolled_students
    from respondent_counts
    full outer join enrolled_counts
        on
            respondent_counts.school_year = enrolled_counts.school_year
            and respondent_counts.season = enrolled_counts.season
            and respondent_counts.school_code = enrolled_counts.school_code
            and respondent_counts.student_group = enrolled_counts.student_group

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
        end as {{ workforce_type_double() }}) as response_rate_pct
    from combined
    left join administrations
        on
            combined.school_year = administrations.school_year
            and combined.season = administrations.season

)

select * from final
