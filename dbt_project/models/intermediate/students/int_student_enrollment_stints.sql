{#- One row per enrolment stint, clipped to its school year and to the as-of date (macro
    students_as_of_date: var `as_of_date`, else the day before the newest SIS drop).
    `exit_date` is the last day enrolled (inclusive). A stint without an exit date runs to the end
    of its school year or to the as-of date, whichever is earlier; stints that start after the
    as-of date are dropped (they have not begun).
    A day counts once (docs/metrics.md): `counted_from_date` is the first day of the stint that
    no earlier stint of the student at the same school that year already covers (stints ordered
    by start, then entry date). Days enrolled and absences count from it, so overlapping or
    repeated spans count each day once; a stint wholly inside an earlier one counts from after
    its own end, i.e. no day.
    Incremental by school year (macros/incremental_school_years.sql): the as-of date is taken
    from every enrolment, the stints from the recomputed years' only. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with enrollments as (

    select * from {{ ref('stg_sis__enrollments') }}

),

as_of as (

    select {{ students_as_of_date('enrollments.drop_date') }} as as_of_date
    from enrollments

),

bounded as (

    select
        enrollments.*,
        {{ school_year_start_date('enrollments.school_year') }} as school_year_start_date,
        {{ school_year_end_date('enrollments.school_year') }} as school_year_end_date
    from enrollments
    where {{ incremental_school_year_filter('enrollments.school_year') }}

),

clipped as (

    select
        bounded.student_id,
        bounded.school_code,
        bounded.school_year,
        bounded.grade_level,
        bounded.entry_date,
        bounded.exit_date,
        bounded.entry_code,
        bounded.exit_code,
        greatest(bounded.entry_date, bounded.school_year_start_date) as stint_start_date,
        least(
            coalesce(bounded.exit_date, bounded.school_year_end_date),
            bounded.school_year_end_date,
            as_of.as_of_date
        ) as stint_end_date
    from bounded
    cross join as_of

),

started as (

    select * from clipped
    where stint_end_date >= stint_start_date

),

covered_before as (

    select
        started.*,
        max(started.stint_end_date) over (
            partition by started.student_id, started.school_code, started.school_year
            order by started.stint_start_date, started.entry_date
            rows between unbounded preceding and 1 preceding
        ) as earlier_stints_end_date
    from started

),

final as (

    select
        covered_before.student_id,
        covered_before.school_code,
        covered_before.school_year,
        covered_before.grade_level,
        covered_before.entry_date,
        covered_before.exit_date,
        covered_before.entry_code,
        covered_before.exit_code,
        covered_before.stint_start_date,
        covered_before.stint_end_date,
        case
            when
                covered_before.earlier_stints_end_date is null
                or covered_before.earlier_stints_end_date < covered_before.stint_start_date
                then covered_before.stint_start_date
            else cast({{ dbt.dateadd('day', 1, 'covered_before.earlier_stints_end_date') }} as date)
        end as counted_from_date
    from covered_before

)

select * from final
{{ incremental_build_order() }}
