{#- Grain: school year × month × service type (the three vendor types plus `ALL TYPES`) × school
    (plus DISTRICT). For each month from July up to the latest month with a completed session:
    cumulative unique students to date in the school year (a student counts from the month of
    their first completed session of that type at that school), sessions in the month and
    cumulative sessions to date (total usage, not unique). Completed sessions only.
    Incremental by school year (macros/incremental_school_years.sql). The latest month
    is the latest of every year's sessions. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

sessions_of_every_year as (

    select * from {{ ref('int_tutoring_sessions_completed') }}

),

sessions as (

    select * from sessions_of_every_year
    where {{ incremental_school_year_filter('school_year') }}

),

{#- One row per student, school, service type and month with its sessions: the scopes and
    types below copy these rows four times, so they are counted down first. -#}
student_months as (

    select
        sessions.school_year,
        sessions.school_code,
        sessions.service_type,
        sessions.student_id,
        sessions.month_start_date,
        count(*) as sessions
    from sessions
    group by 1, 2, 3, 4, 5

),

scoped as (

    select
        student_months.school_year,
        student_months.school_code,
        student_months.service_type,
        student_months.student_id,
        student_months.month_start_date,
        student_months.sessions
    from student_months
    where student_months.school_code is not null
    union all
    select
        student_months.school_year,
        'DISTRICT' as school_code,
        student_months.service_type,
        student_months.student_id,
        student_months.month_start_date,
        student_months.sessions
    from student_months

),

typed as (

    select * from scoped
    union all
    select
        scoped.school_year,
        scoped.school_code,
        'ALL TYPES' as service_type,
        scoped.student_id,
        scoped.month_start_date,
        scoped.sessions
    from scoped

),

first_months as (

    select
        typed.school_year,
        typed.school_code,
        typed.service_type,
        typed.student_id,
        min(typed.month_start_date) as first_month_start_date
    from typed
    group by 1, 2, 3, 4

),

new_students as (

    select
        first_months.school_year,
        first_months.school_code,
        first_months.service_type,
        first_months.first_month_start_date as month_start_date,
        count(*) as new_students
    from first_months
    group by 1, 2, 3, 4

),

monthly_usage as (

    select
        typed.school_year,
        typed.school_code,
        typed.service_type,
        typed.month_start_date,
        cast(sum(typed.sessions) as bigint) as sessions_in_month,
        count(distinct typed.student_id) as students_in_month
    from typed
    group by 1, 2, 3, 4

),

series as (

    select distinct
        typed.school_year,
        typed.school_code,
        typed.service_type
    from typed

),

month_offsets as (

    {% for month_offset in range(12) -%}
        select {{ month_offset }} as month_offset
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}

),

latest_month as (

    select max(sessions_of_every_year.month_start_date) as month_start_date
    from sessions_of_every_year

),

grid as (

    select
        series.school_year,
        series.school_code,
        series.service_type,
        cast({{ dbt.dateadd(
            'month',
            'month_offsets.month_offset',
            school_year_start_date('series.school_year'),
        ) }} as date) as month_start_date
    from series
    cross join month_offsets

),

counted as (

    select
        grid.school_year,
        grid.school_code,
        grid.service_type,
        grid.month_start_date,
        coalesce(new_students.new_students, 0) as new_students,
        coalesce(monthly_usage.students_in_month, 0) as students_in_month,
        coalesce(monthly_usage.sessions_in_month, 0) as sessions_in_month
    from grid
    cross join latest_month
    left join new_students
        on
            grid.school_year = new_students.school_year
            and grid.school_code = new_students.school_code
            and grid.service_type = new_students.service_type
            and grid.month_start_date = new_students.month_start_date
    left join monthly_usage
        on
            grid.school_year = monthly_usage.school_year
            and grid.school_code = monthly_usage.school_code
            and grid.service_type = monthly_usage.service_type
            and grid.month_start_date = monthly_usage.month_start_date
    where grid.month_start_date <= latest_month.month_start_date

),

final as (

    select
        counted.school_year,
        counted.month_start_date,
        counted.school_code,
        counted.service_type,
        counted.new_students,
        cast(sum(counted.new_students) over (
            partition by counted.school_year, counted.school_code, counted.service_type
            order by counted.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as cumulative_unique_students,
        counted.students_in_month,
        counted.sessions_in_month,
        cast(sum(counted.sessions_in_month) over (
            partition by counted.school_year, counted.school_code, counted.service_type
            order by counted.month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as cumulative_sessions
    from counted

)

select * from final
{{ incremental_build_order() }}
