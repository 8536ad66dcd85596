{#- Early-warning (ABC) measures in the long measure contract: one row per school year, school
    (or DISTRICT), student group and measure, from fct_student_early_warning (a student counts
    at the school of their latest enrolment that year, and once in DISTRICT).
    - EWS_ATTENDANCE_FLAG: flagged / students with at least one enrolled day.
    - EWS_BEHAVIOR_FLAG: flagged / students enrolled.
    - EWS_COURSE_FLAG: flagged / students with at least one letter-graded course mark.
    - EWS_ANY_FLAG: at least one flag / students enrolled.
    Rows with a zero denominator are not written.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with early_warning as (

    select * from {{ ref('fct_student_early_warning') }}
    where {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

scoped as (

    select early_warning.*, early_warning.school_code as scope_code from early_warning
    union all
    select early_warning.*, 'DISTRICT' as scope_code from early_warning

),

totals as (

    select
        scoped.school_year,
        scoped.scope_code as school_code,
        student_groups.student_group,
        count(*) as enrolled_students,
        count(*) filter (where scoped.is_attendance_evaluated) as attendance_students,
        count(*) filter (where scoped.has_attendance_flag) as attendance_flagged,
        count(*) filter (where scoped.has_behavior_flag) as behavior_flagged,
        count(*) filter (where scoped.is_course_evaluated) as course_students,
        count(*) filter (where scoped.has_course_flag) as course_flagged,
        count(*) filter (where scoped.has_any_flag) as any_flagged
    from scoped
    inner join student_groups
        on
            scoped.student_id = student_groups.student_id
            and scoped.school_year = student_groups.school_year
    group by
        scoped.school_year,
        scoped.scope_code,
        student_groups.student_group

),

{% set measures = [
    ('EWS_ATTENDANCE_FLAG', 'attendance_flagged', 'attendance_students'),
    ('EWS_BEHAVIOR_FLAG', 'behavior_flagged', 'enrolled_students'),
    ('EWS_COURSE_FLAG', 'course_flagged', 'course_students'),
    ('EWS_ANY_FLAG', 'any_flagged', 'enrolled_students'),
] %}

final as (

    {% for measure_code, numerator, denominator in measures %}
        select
            totals.school_year,
            totals.school_code,
            totals.student_group,
            '{{ measure_code }}' as measure_code,
            cast(totals.{{ numerator }} as {{ type_double() }}) as numerator,
            totals.{{ denominator }} as denominator,
            {{ students_percent('totals.' ~ numerator, 'totals.' ~ denominator) }} as value
        from totals
        where totals.{{ denominator }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
{{ incremental_build_order() }}
