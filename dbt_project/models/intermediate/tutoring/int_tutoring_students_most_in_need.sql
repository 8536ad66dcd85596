{#- One row per school year and student with a completed tutoring session that year: whether the
    student was most in need. Most in need = below standard on the last assessment, or in one of
    the groups of var `tutoring_most_in_need_groups` (EL, SWD, FY, HOM) in the bridge that year.
    The last assessment is, per subject, the latest test dated on or before the end of the
    session's school year (30 June); below standard = a performance level under var
    `assessment_met_min_performance_level` (Level 3, Standard Met) in ELA or math on it.
    Incremental by school year (macros/incremental_school_years.sql). Assessments are
    read whole: the last one may be from an earlier year. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

sessions as (

    select * from {{ ref('int_tutoring_sessions_completed') }}
    where {{ incremental_school_year_filter('school_year') }}

),

assessments as (

    select * from {{ ref('stg_sis__assessments') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

participants as (

    select distinct
        sessions.school_year,
        sessions.student_id,
        {{ school_year_end_date('sessions.school_year') }} as school_year_end_date
    from sessions

),

dated_assessments as (

    select
        assessments.student_id,
        assessments.subject,
        assessments.performance_level,
        coalesce(
            assessments.test_date,
            {{ school_year_end_date('assessments.school_year') }}
        ) as test_date
    from assessments
    where assessments.performance_level is not null

),

latest_per_subject as (

    select
        participants.school_year,
        participants.student_id,
        dated_assessments.subject,
        dated_assessments.performance_level,
        row_number() over (
            partition by
                participants.school_year, participants.student_id,
                dated_assessments.subject
            order by dated_assessments.test_date desc
        ) as recency_rank
    from participants
    inner join dated_assessments
        on
            participants.student_id = dated_assessments.student_id
            and dated_assessments.test_date <= participants.school_year_end_date

),

below_standard as (

    select
        latest_per_subject.school_year,
        latest_per_subject.student_id,
        max(case
            when
                latest_per_subject.performance_level
                < {{ var('assessment_met_min_performance_level') }} then 1
            else 0
        end) = 1 as is_below_standard
    from latest_per_subject
    where latest_per_subject.recency_rank = 1
    group by 1, 2

),

need_groups as (

    select distinct
        student_groups.school_year,
        student_groups.student_id
    from student_groups
    where student_groups.student_group in (
        {%- for group in var('tutoring_most_in_need_groups') %}
            '{{ group }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )

),

final as (

    select
        participants.school_year,
        participants.student_id,
        coalesce(below_standard.is_below_standard, false) as is_below_standard_on_last_assessment,
        need_groups.student_id is not null as is_in_need_group,
        coalesce(below_standard.is_below_standard, false)
        or need_groups.student_id is not null as is_most_in_need
    from participants
    left join below_standard
        on
            participants.school_year = below_standard.school_year
            and participants.student_id = below_standard.student_id
    left join need_groups
        on
            participants.school_year = need_groups.school_year
            and participants.student_id = need_groups.student_id

)

select * from final
{{ incremental_build_order() }}
