{#- Attendance measures in the long measure contract (dbt_project/README.md): one row per school
    year, school (or DISTRICT), student group and measure. Student-level rules come from
    int_student_attendance_scoped; DISTRICT rows aggregate students' district-wide years (days
    summed across schools), never school values.
    - ATTENDANCE_RATE: pooled, sum of days present / sum of days enrolled x 100 (each student
      weighted by days enrolled). A weighted mean, so numerator is NULL; denominator = students.
    - CHRONIC_ABSENCE_STATE: chronically absent / eligible students.
    - CHRONIC_ABSENCE_LAUSD and its _K5 / _6_8 / _9_12 variants (grade at the latest enrolment):
      chronically absent (LAUSD rule) / students with at least one enrolled day.
    - ATTENDANCE_BAND_*: students in the band / students with at least one enrolled day.
    Rows whose denominator would be 0 are not written.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with scoped as (

    select * from {{ ref('int_student_attendance_scoped') }}
    where days_enrolled > 0 and {{ incremental_school_year_filter('school_year') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

bands as (

    select * from {{ ref('attendance_bands') }}

),

grouped as (

    select
        scoped.*,
        student_groups.student_group
    from scoped
    inner join student_groups
        on
            scoped.student_id = student_groups.student_id
            and scoped.school_year = student_groups.school_year

),

totals as (

    select
        grouped.school_year,
        grouped.school_code,
        grouped.student_group,
        count(*) as enrolled_students,
        sum(grouped.days_enrolled) as days_enrolled,
        sum(grouped.days_present) as days_present,
        count(*) filter (where grouped.is_chronic_state_eligible) as state_eligible_students,
        count(*) filter (where grouped.is_chronically_absent_state) as state_chronic_students,
        count(*) filter (where grouped.is_chronically_absent_lausd) as lausd_chronic_students
    from grouped
    group by
        grouped.school_year,
        grouped.school_code,
        grouped.student_group

),

grade_band_totals as (

    select
        grouped.school_year,
        grouped.school_code,
        grouped.student_group,
        grouped.grade_band,
        count(*) as enrolled_students,
        count(*) filter (where grouped.is_chronically_absent_lausd) as lausd_chronic_students
    from grouped
    group by
        grouped.school_year,
        grouped.school_code,
        grouped.student_group,
        grouped.grade_band

),

band_counts as (

    select
        grouped.school_year,
        grouped.school_code,
        grouped.student_group,
        grouped.attendance_band,
        count(*) as band_students
    from grouped
    group by
        grouped.school_year,
        grouped.school_code,
        grouped.student_group,
        grouped.attendance_band

),

attendance_rate as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'ATTENDANCE_RATE' as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        totals.enrolled_students as denominator,
        {{ students_percent('totals.days_present', 'totals.days_enrolled') }} as value
    from totals

),

chronic_state as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'CHRONIC_ABSENCE_STATE' as measure_code,
        cast(totals.state_chronic_students as {{ type_double() }}) as numerator,
        totals.state_eligible_students as denominator,
        {{ students_percent('totals.state_chronic_students', 'totals.state_eligible_students') }} as value
    from totals
    where totals.state_eligible_students > 0

),

chronic_lausd as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        'CHRONIC_ABSENCE_LAUSD' as measure_code,
        cast(totals.lausd_chronic_students as {{ type_double() }}) as numerator,
        totals.enrolled_students as denominator,
        {{ students_percent('totals.lausd_chronic_students', 'totals.enrolled_students') }} as value
    from totals

),

chronic_lausd_by_grade_band as (

    select
        grade_band_totals.school_year,
        grade_band_totals.school_code,
        grade_band_totals.student_group,
        {{ dbt.concat(["'CHRONIC_ABSENCE_LAUSD_'", 'grade_band_totals.grade_band']) }}
            as measure_code,
        cast(grade_band_totals.lausd_chronic_students as {{ type_double() }}) as numerator,
        grade_band_totals.enrolled_students as denominator,
        {{ students_percent('grade_band_totals.lausd_chronic_students', 'grade_band_totals.enrolled_students') }}
            as value
    from grade_band_totals

),

attendance_bands as (

    select
        totals.school_year,
        totals.school_code,
        totals.student_group,
        bands.measure_code,
        cast(coalesce(band_counts.band_students, 0) as {{ type_double() }}) as numerator,
        totals.enrolled_students as denominator,
        {{ students_percent('coalesce(band_counts.band_students, 0)', 'totals.enrolled_students') }} as value
    from totals
    cross join bands
    left join band_counts
        on
            totals.school_year = band_counts.school_year
            and totals.school_code = band_counts.school_code
            and totals.student_group = band_counts.student_group
            and bands.band_code = band_counts.attendance_band

),

final as (

    select * from attendance_rate
    union all
    select * from chronic_state
    union all
    select * from chronic_lausd
    union all
    select * from chronic_lausd_by_grade_band
    union all
    select * from attendance_bands

)

select * from final
{{ incremental_build_order() }}
