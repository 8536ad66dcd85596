{#- English learners at the start of each school year: students enrolled that year whose EL
    program span is active on the year's start date. The student's school is the school of
    their first enrolment that year (earliest entry date, which is the school they attend on
    the first day when enrolled from the start), and the start date is that school's first
    instructional day (calendar), or 1 July when the school has no calendar for the year.
    A student identified as EL only after the start (a mid-year arrival) is not in the base.
    When spans overlap, the EL span that lasts longest (open = longest) is kept.
    Incremental by school year (macros/incremental_school_years.sql). Program spans are read whole:
    a span's dates decide which years it covers. -#}
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

program_spans as (

    select * from {{ ref('stg_sis__program_spans') }}

),

first_instructional_days as (

    select * from {{ ref('int_school_year_first_instructional_days') }}
    where {{ incremental_school_year_filter('school_year') }}

),

first_enrollments as (

    select
        enrollments.student_id,
        enrollments.school_year,
        enrollments.school_code,
        row_number() over (
            partition by enrollments.student_id, enrollments.school_year
            order by enrollments.entry_date, enrollments.school_code
        ) as enrollment_order
    from enrollments

),

student_year_starts as (

    select
        first_enrollments.student_id,
        first_enrollments.school_year,
        first_enrollments.school_code,
        coalesce(
            first_instructional_days.first_instructional_date,
            cast({{ dbt.concat(["substr(first_enrollments.school_year, 1, 4)", "'-07-01'"]) }} as date)
        ) as year_start_date,
        cast(
            {{ dbt.concat([
                "cast(" ~ school_year_start('first_enrollments.school_year') ~ " + 1 as " ~ dbt.type_string() ~ ")",
                "'-06-30'",
            ]) }} as date
        ) as year_end_date
    from first_enrollments
    left join first_instructional_days
        on
            first_instructional_days.school_code = first_enrollments.school_code
            and first_instructional_days.school_year = first_enrollments.school_year
    where first_enrollments.enrollment_order = 1

),

el_spans_at_start as (

    select
        student_year_starts.student_id,
        student_year_starts.school_year,
        student_year_starts.school_code,
        student_year_starts.year_start_date,
        student_year_starts.year_end_date,
        program_spans.start_date as el_span_start_date,
        program_spans.end_date as el_span_end_date,
        row_number() over (
            partition by student_year_starts.student_id, student_year_starts.school_year
            order by
                case when program_spans.end_date is null then 0 else 1 end,
                program_spans.end_date desc,
                program_spans.start_date
        ) as span_order
    from student_year_starts
    inner join program_spans
        on
            program_spans.student_id = student_year_starts.student_id
            and program_spans.program_code = 'EL'
            and program_spans.start_date <= student_year_starts.year_start_date
            and (
                program_spans.end_date is null
                or program_spans.end_date >= student_year_starts.year_start_date
            )

),

final as (

    select
        el_spans_at_start.student_id,
        el_spans_at_start.school_year,
        el_spans_at_start.school_code,
        el_spans_at_start.year_start_date,
        el_spans_at_start.year_end_date,
        el_spans_at_start.el_span_start_date,
        el_spans_at_start.el_span_end_date
    from el_spans_at_start
    where el_spans_at_start.span_order = 1

)

select * from final
{{ incremental_build_order() }}
