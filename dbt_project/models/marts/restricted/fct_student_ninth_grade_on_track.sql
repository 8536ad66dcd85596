{#- One row per ninth grader and school year: the students with a grade 09 enrolment that
    year, whether or not they have course grades (none means 0 credits, not on track). The
    school is that of the student's last grade 09 enrolment in the year. Credits and Fs come
    from every course grade the student received that year at any school.
    On track: full-year credits >= `ninth_grade_on_track_min_credits` (5) and at most
    `ninth_grade_on_track_max_core_semester_fs` (1) semester F in a core course.
    Full-year credits = credits_earned / `credits_per_full_year_course` (10): the SIS gives a
    high school course 5 credits a semester, so a full-year course earns 10. The comparison
    is made on SIS credits (credits >= 5 x 10) so no rate is compared.
    `is_year_marks_final` is true once the year has second-semester (S2) marks in the SIS:
    before that the credits are a partial year and measure_postsecondary leaves the year out.
    A course semester marked twice in a year (concurrent enrolments at two schools, against
    the SIS key student/year/term/course) counts once, with its best result: the higher
    credits, and an F only when every mark for it is failing.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}
    where {{ incremental_school_year_filter('school_year') }}

),

course_grades as (

    select * from {{ ref('stg_sis__course_grades') }}
    where {{ incremental_school_year_filter('school_year') }}

),

ninth_grade_enrollments as (

    select
        enrollments.student_id,
        enrollments.school_year,
        enrollments.school_code,
        row_number() over (
            partition by enrollments.student_id, enrollments.school_year
            order by enrollments.entry_date desc, enrollments.school_code desc
        ) as enrollment_order
    from enrollments
    where enrollments.grade_level = '09'

),

ninth_graders as (

    select
        ninth_grade_enrollments.student_id,
        ninth_grade_enrollments.school_year,
        ninth_grade_enrollments.school_code
    from ninth_grade_enrollments
    where ninth_grade_enrollments.enrollment_order = 1

),

years_with_final_marks as (

    select distinct
        course_grades.school_year
    from course_grades
    where course_grades.term = 'S2'

),

course_semesters as (

    select
        course_grades.student_id,
        course_grades.school_year,
        course_grades.term,
        course_grades.course_id,
        max(coalesce(course_grades.credits_earned, 0)) as credits_earned,
        max(case when course_grades.is_core then 1 else 0 end) as is_core_course,
        min(
            case
                when course_grades.mark in {{ academics_sql_list(var('core_failing_marks')) }}
                    then 1
                else 0
            end
        ) as is_failed
    from course_grades
    inner join ninth_graders
        on
            course_grades.student_id = ninth_graders.student_id
            and course_grades.school_year = ninth_graders.school_year
    group by
        course_grades.student_id,
        course_grades.school_year,
        course_grades.term,
        course_grades.course_id

),

course_results as (

    select
        course_semesters.student_id,
        course_semesters.school_year,
        sum(course_semesters.credits_earned) as credits_earned,
        count(*) filter (
            where course_semesters.is_core_course = 1 and course_semesters.is_failed = 1
        ) as core_semester_f_count
    from course_semesters
    group by
        course_semesters.student_id,
        course_semesters.school_year

),

final as (

    select
        ninth_graders.student_id,
        ninth_graders.school_year,
        ninth_graders.school_code,
        cast(coalesce(course_results.credits_earned, 0) as {{ type_double() }})
            as credits_earned,
        cast(
            coalesce(course_results.credits_earned, 0) / {{ var('credits_per_full_year_course') }}
            as {{ type_double() }}
        ) as full_year_credits_earned,
        coalesce(course_results.core_semester_f_count, 0) as core_semester_f_count,
        (
            coalesce(course_results.credits_earned, 0)
            >= {{ var('ninth_grade_on_track_min_credits') }}
            * {{ var('credits_per_full_year_course') }}
            and coalesce(course_results.core_semester_f_count, 0)
            <= {{ var('ninth_grade_on_track_max_core_semester_fs') }}
        ) as is_on_track,
        years_with_final_marks.school_year is not null as is_year_marks_final
    from ninth_graders
    left join course_results
        on
            course_results.student_id = ninth_graders.student_id
            and course_results.school_year = ninth_graders.school_year
    left join years_with_final_marks
        on years_with_final_marks.school_year = ninth_graders.school_year

)

select * from final
{{ incremental_build_order() }}
