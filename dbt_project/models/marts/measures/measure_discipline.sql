{#- Discipline measures in the long measure contract: one row per school year, school (or
    DISTRICT), student group and measure.
    - SUSPENSION_RATE: students with at least one out-of-school suspension / cumulative
      enrolment (students enrolled at any time in the year) x 100.
    - SUSPENSION_RISK_RATIO: the group's suspension rate / the rate of all other students in
      the same school (or district) and year (ALL minus the group). Not written for ALL (it has
      no other students) nor where the ratio is undefined (no other students, or none of them
      suspended). A ratio of rates, so numerator is NULL; denominator = the group's students.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with scoped as (

    select * from {{ ref('int_student_suspensions_scoped') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

totals as (

    select
        scoped.school_year,
        scoped.school_code,
        student_groups.student_group,
        count(*) as enrolled_students,
        count(*) filter (where scoped.has_out_of_school_suspension) as suspended_students
    from scoped
    inner join student_groups
        on
            scoped.student_id = student_groups.student_id
            and scoped.school_year = student_groups.school_year
    group by
        scoped.school_year,
        scoped.school_code,
        student_groups.student_group

),

suspension_rate as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'SUSPENSION_RATE' as measure_code,
        cast(totals.suspended_students as {{ type_double() }}) as numerator,
        totals.enrolled_students as denominator,
        {{ students_percent('totals.suspended_students', 'totals.enrolled_students') }} as value
    from totals

),

compared as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        totals.enrolled_students,
        totals.suspended_students,
        all_students.enrolled_students - totals.enrolled_students as other_students,
        all_students.suspended_students - totals.suspended_students as other_suspended_students
    from totals
    inner join totals as all_students
        on
            totals.school_year = all_students.school_year
            and totals.school_code = all_students.school_code
            and all_students.student_group = 'ALL'
    where totals.student_group <> 'ALL'

),

risk_ratio as (

    select
        compared.school_year,
        compared.school_code,
        compared.student_group,
        'SUSPENSION_RISK_RATIO' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        compared.enrolled_students as denominator,
        (cast(compared.suspended_students as {{ type_double() }}) / compared.enrolled_students)
        / (cast(compared.other_suspended_students as {{ type_double() }}) / compared.other_students)
            as value
    from compared
    where
        compared.other_students > 0
        and compared.other_suspended_students > 0

),

final as (

    select * from suspension_rate
    union all
    select * from risk_ratio

)

select * from final
{{ incremental_build_order() }}
