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
    before that the credits are a partial year and measure_postsecondary leaves the year out. -#}
with enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}

),

course_grades as (

    select * from {{ ref('stg_sis__course_grades') }}

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

course_results as (

    select
        course_grades.student_id,
        course_grades.school_year,
        sum(coalesce(course_grades.credits_earned, 0)) as credits_earned,
        count(*) filter (
            where course_grades.is_core
            and course_grades.mark in {{ academics_sql_list(var('core_failing_marks')) }}
        ) as core_semester_f_count
    from course_grades
    inner join ninth_graders
        on
            ninth_graders.student_id = course_grades.student_id
            and ninth_graders.school_year = course_grades.school_year
    group by
        course_grades.student_id,
        course_grades.school_year

),

final as (

    select
        ninth_graders.student_id,
        ninth_graders.school_year,
        ninth_graders.school_code,
        cast(coalesce(course_results.credits_earned, 0) as {{ academics_type_double() }})
            as credits_earned,
        cast(
            coalesce(course_results.credits_earned, 0) / {{ var('credits_per_full_year_course') }}
            as {{ academics_type_double() }}
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
