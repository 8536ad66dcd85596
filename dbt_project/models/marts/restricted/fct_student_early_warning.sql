{#- Restricted. One row per student and school year enrolled: the ABC early-warning flags,
    measured over the student's whole district year.
    - Attendance: district-wide attendance rate below `early_warning_attendance_pct` (90%);
      severe below `early_warning_attendance_severe_pct` (80%). Compared on days, not rates.
    - Behaviour: any out-of-school suspension, or at least `early_warning_min_incidents` (2)
      incidents, in the year.
    - Course: a failing mark (`early_warning_failing_marks`) in a subject of
      `early_warning_core_subjects` (ELA, MATH) in any term, or a GPA below
      `early_warning_gpa_min` (2.0). GPA = unweighted mean of grade points over the year's
      letter-graded course marks (seeds/course_mark_points.csv: +/- ignored, P/NP left out).
      Only students with at least one letter-graded mark are evaluated (grades 6-12).
    `school_code` is the school of the student's latest enrolment that year.
    Incremental by school year (macros/incremental_school_years.sql): every input is read for
    the year it describes. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

attendance as (

    select * from {{ ref('int_student_attendance_scoped') }}
    where is_district_scope and {{ incremental_school_year_filter('school_year') }}

),

incidents as (

    select * from {{ ref('stg_sis__discipline_incidents') }}
    where {{ incremental_school_year_filter('school_year') }}

),

course_grades as (

    select * from {{ ref('stg_sis__course_grades') }}
    where {{ incremental_school_year_filter('school_year') }}

),

mark_points as (

    select * from {{ ref('course_mark_points') }}

),

latest_stint as (

    select
        stints.student_id,
        stints.school_year,
        stints.school_code,
        stints.grade_level,
        row_number() over (
            partition by stints.student_id, stints.school_year
            order by stints.stint_start_date desc, stints.entry_date desc, stints.school_code
        ) as recency_rank
    from stints

),

student_years as (

    select
        latest_stint.student_id,
        latest_stint.school_year,
        latest_stint.school_code,
        latest_stint.grade_level
    from latest_stint
    where latest_stint.recency_rank = 1

),

behavior as (

    select
        incidents.student_id,
        incidents.school_year,
        count(*) as incidents,
        count(*) filter (where incidents.action_code = 'OSS') as out_of_school_suspensions
    from incidents
    group by
        incidents.student_id,
        incidents.school_year

),

courses as (

    select
        course_grades.student_id,
        course_grades.school_year,
        count(*) filter (where mark_points.counts_in_gpa) as gpa_marks,
        avg(case when mark_points.counts_in_gpa then 1.0 * mark_points.grade_points end) as gpa,
        count(*) filter (
            where course_grades.mark in (
                {%- for mark in var('early_warning_failing_marks') %}'{{ mark }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            )
            and course_grades.subject_area in (
                {%- for subject in var('early_warning_core_subjects') %}'{{ subject }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            )
        ) as core_failing_marks
    from course_grades
    left join mark_points
        on course_grades.mark = mark_points.mark
    group by
        course_grades.student_id,
        course_grades.school_year

),

joined as (

    select
        student_years.student_id,
        student_years.school_year,
        student_years.school_code,
        student_years.grade_level,
        coalesce(attendance.days_enrolled, 0) as days_enrolled,
        attendance.days_present,
        attendance.attendance_rate,
        coalesce(behavior.incidents, 0) as incidents,
        coalesce(behavior.out_of_school_suspensions, 0) as out_of_school_suspensions,
        coalesce(courses.gpa_marks, 0) as gpa_marks,
        courses.gpa,
        coalesce(courses.core_failing_marks, 0) as core_failing_marks
    from student_years
    left join attendance
        on
            student_years.student_id = attendance.student_id
            and student_years.school_year = attendance.school_year
    left join behavior
        on
            student_years.student_id = behavior.student_id
            and student_years.school_year = behavior.school_year
    left join courses
        on
            student_years.student_id = courses.student_id
            and student_years.school_year = courses.school_year

),

flagged as (

    select
        joined.*,
        joined.days_enrolled > 0 as is_attendance_evaluated,
        joined.days_enrolled > 0
        and joined.days_present * 100
        < {{ var('early_warning_attendance_pct') }} * joined.days_enrolled
            as has_attendance_flag,
        joined.days_enrolled > 0
        and joined.days_present * 100
        < {{ var('early_warning_attendance_severe_pct') }} * joined.days_enrolled
            as has_severe_attendance_flag,
        joined.out_of_school_suspensions >= 1
        or joined.incidents >= {{ var('early_warning_min_incidents') }}
            as has_behavior_flag,
        joined.gpa_marks > 0 as is_course_evaluated,
        joined.gpa_marks > 0
        and (joined.core_failing_marks > 0 or joined.gpa < {{ var('early_warning_gpa_min') }})
            as has_course_flag
    from joined

),

final as (

    select
        flagged.*,
        flagged.has_attendance_flag or flagged.has_behavior_flag or flagged.has_course_flag
            as has_any_flag
    from flagged

)

select * from final
{{ incremental_build_order() }}
