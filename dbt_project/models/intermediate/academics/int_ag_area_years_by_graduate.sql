{#- Year-long a-g courses each graduate completed, per area. A semester counts when the course
    carries an a-g area and the semester mark is in `ag_qualifying_marks` (C or better; P/NP
    never count, since UC/CSU require letter grades). Semesters convert to year-long courses
    by count, not by credits: every `ag_semesters_per_year_course` (2) qualifying semesters in
    an area make one year-long course, rounded down, so one passing semester alone is not a
    year. A course passed twice in the same term (a repeat) counts once: semesters are
    distinct (course, term) pairs. All course history up to and including the graduation year
    counts (UC accepts grade 7-8 math and language courses that the SIS flags with an area).
    Every graduate gets a row for every area in the `ag_requirements` seed, zero when none.
    Incremental by school year (macros/incremental_school_years.sql). The recomputed years'
    graduates against their whole course history. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with graduates as (

    select * from {{ ref('int_graduates_by_school_year') }}
    where {{ incremental_school_year_filter('school_year') }}

),

course_grades as (

    select * from {{ ref('stg_sis__course_grades') }}

),

ag_requirements as (

    select * from {{ ref('ag_requirements') }}

),

qualifying_semesters as (

    select
        graduates.student_id,
        graduates.school_year,
        course_grades.ag_area,
        count(distinct {{ dbt.concat(["course_grades.course_id", "'|'", "course_grades.term"]) }})
            as qualifying_semester_count
    from graduates
    inner join course_grades
        on
            course_grades.student_id = graduates.student_id
            and course_grades.school_year <= graduates.school_year
    where
        course_grades.ag_area is not null
        and course_grades.mark in {{ academics_sql_list(var('ag_qualifying_marks')) }}
    group by
        graduates.student_id,
        graduates.school_year,
        course_grades.ag_area

),

graduate_areas as (

    select
        graduates.student_id,
        graduates.school_year,
        ag_requirements.ag_area,
        ag_requirements.required_years,
        ag_requirements.is_elective_area
    from graduates
    cross join ag_requirements

),

final as (

    select
        graduate_areas.student_id,
        graduate_areas.school_year,
        graduate_areas.ag_area,
        graduate_areas.required_years,
        graduate_areas.is_elective_area,
        coalesce(qualifying_semesters.qualifying_semester_count, 0) as qualifying_semester_count,
        cast(
            floor(
                1.0 * coalesce(qualifying_semesters.qualifying_semester_count, 0)
                / {{ var('ag_semesters_per_year_course') }}
            ) as integer
        ) as completed_years
    from graduate_areas
    left join qualifying_semesters
        on
            qualifying_semesters.student_id = graduate_areas.student_id
            and qualifying_semesters.school_year = graduate_areas.school_year
            and qualifying_semesters.ag_area = graduate_areas.ag_area

)

select * from final
{{ incremental_build_order() }}
