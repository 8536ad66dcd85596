{#- Which school a test result counts for: the school where the student was enrolled on the
    test date; when no enrolment covers that date (or the date is missing), the student's last
    enrolment that school year (latest entry date). On a transfer day covered by two
    enrolments the newer one (latest entry date) wins. A student with no enrolment that year
    keeps a NULL school and counts in district rows only. One join and one ranking: every
    enrolment of the student's year is ranked, those covering the test date first.
    Incremental by school year (macros/incremental_school_years.sql): a result is attributed
    among the enrolments of its own school year only. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with assessments as (

    select * from {{ ref('stg_sis__assessments') }}
    where {{ incremental_school_year_filter('school_year') }}

),

enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}
    where {{ incremental_school_year_filter('school_year') }}

),

enrollments_of_test_year as (

    select
        assessments.student_id,
        assessments.school_year,
        assessments.subject,
        enrollments.school_code,
        enrollments.entry_date,
        coalesce(
            enrollments.entry_date <= assessments.test_date
            and (enrollments.exit_date is null or enrollments.exit_date >= assessments.test_date),
            false
        ) as is_enrolled_on_test_date
    from assessments
    inner join enrollments
        on
            enrollments.student_id = assessments.student_id
            and enrollments.school_year = assessments.school_year

),

ranked_enrollments as (

    select
        enrollments_of_test_year.student_id,
        enrollments_of_test_year.school_year,
        enrollments_of_test_year.subject,
        enrollments_of_test_year.school_code,
        enrollments_of_test_year.is_enrolled_on_test_date,
        row_number() over (
            partition by
                enrollments_of_test_year.student_id,
                enrollments_of_test_year.school_year,
                enrollments_of_test_year.subject
            order by
                case when enrollments_of_test_year.is_enrolled_on_test_date then 0 else 1 end,
                enrollments_of_test_year.entry_date desc,
                enrollments_of_test_year.school_code desc
        ) as enrollment_order
    from enrollments_of_test_year

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
        ranked_enrollments.school_code,
        case
            when ranked_enrollments.is_enrolled_on_test_date then 'ENROLLED_ON_TEST_DATE'
            when ranked_enrollments.school_code is not null then 'LAST_ENROLLMENT_OF_YEAR'
        end as school_attribution_rule
    from assessments
    left join ranked_enrollments
        on
            ranked_enrollments.student_id = assessments.student_id
            and ranked_enrollments.school_year = assessments.school_year
            and ranked_enrollments.subject = assessments.subject
            and ranked_enrollments.enrollment_order = 1

)

select * from final
{{ incremental_build_order() }}
