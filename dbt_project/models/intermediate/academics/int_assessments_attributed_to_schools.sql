{#- Which school a test result counts for: the school where the student was enrolled on the
    test date; when no enrolment covers that date (or the date is missing), the student's last
    enrolment that school year (latest entry date). On a transfer day covered by two
    enrolments the newer one (latest entry date) wins. A student with no enrolment that year
    keeps a NULL school and counts in district rows only. -#}
with assessments as (

    select * from {{ ref('stg_sis__assessments') }}

),

enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}

),

enrollments_on_test_date as (

    select
        assessments.student_id,
        assessments.school_year,
        assessments.subject,
        enrollments.school_code,
        row_number() over (
            partition by assessments.student_id, assessments.school_year, assessments.subject
            order by enrollments.entry_date desc, enrollments.school_code desc
        ) as enrollment_order
    from assessments
    inner join enrollments
        on enrollments.student_id = assessments.student_id
        and enrollments.school_year = assessments.school_year
        and enrollments.entry_date <= assessments.test_date
        and (enrollments.exit_date is null or enrollments.exit_date >= assessments.test_date)

),

last_enrollments_of_year as (

    select
        enrollments.student_id,
        enrollments.school_year,
        enrollments.school_code,
        row_number() over (
            partition by enrollments.student_id, enrollments.school_year
            order by enrollments.entry_date desc, enrollments.school_code desc
        ) as enrollment_order
    from enrollments

),

final as (

    select
        assessments.student_id,
        assessments.school_year,
        assessments.subject,
        assessments.test_date,
        assessments.grade_tested,
        assessments.scale_score,
        assessments.performance_level,
        coalesce(enrollments_on_test_date.school_code, last_enrollments_of_year.school_code)
            as school_code,
        case
            when enrollments_on_test_date.school_code is not null then 'ENROLLED_ON_TEST_DATE'
            when last_enrollments_of_year.school_code is not null then 'LAST_ENROLLMENT_OF_YEAR'
        end as school_attribution_rule
    from assessments
    left join enrollments_on_test_date
        on enrollments_on_test_date.student_id = assessments.student_id
        and enrollments_on_test_date.school_year = assessments.school_year
        and enrollments_on_test_date.subject = assessments.subject
        and enrollments_on_test_date.enrollment_order = 1
    left join last_enrollments_of_year
        on last_enrollments_of_year.student_id = assessments.student_id
        and last_enrollments_of_year.school_year = assessments.school_year
        and last_enrollments_of_year.enrollment_order = 1

)

select * from final
