{#- One row per student, school year and scope, where the scope (`school_code`) is each school the
    student was enrolled at, plus `DISTRICT` for the student's whole year in the district (days
    summed over schools). Attendance rules are applied once here for both scopes:
    - days_absent: absences counted on enrolled instructional days (a decimal with 4 places, so
      summed fractions compare exactly); days_present = days_enrolled - days_absent.
    - attendance_rate: percent 0-100; attendance_rate_whole_pct floors it (95.9 -> 95).
    - state chronic absence: eligible when enrolled >= `chronic_absence_min_enrolled_days` and
      attended (not absent the full day) at least one day; chronic when absent on
      >= `chronic_absence_threshold_pct` % of enrolled days. At district scope a student's days
      at all schools add up (the LEA-level count); at school scope each school stands alone, so a
      student can count at every school where eligible.
    - LAUSD chronic absence: whole-percent rate <= `lausd_chronic_attendance_rate_max_pct` (91),
      i.e. a rate below 92%, over students with at least one enrolled day.
    - attendance band: seeds/attendance_bands.csv on the whole-percent rate.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with spanned as (

    select * from {{ ref('int_enrollments_spanned_to_calendar') }}
    where {{ incremental_school_year_filter('school_year') }}

),

absences as (

    select * from {{ ref('int_student_absences_by_stint') }}
    where {{ incremental_school_year_filter('school_year') }}

),

bands as (

    select * from {{ ref('attendance_bands') }}

),

stint_days as (

    select
        spanned.student_id,
        spanned.school_code,
        spanned.school_year,
        spanned.grade_level,
        spanned.stint_start_date,
        spanned.entry_date,
        spanned.days_enrolled,
        coalesce(absences.days_absent, 0) as days_absent,
        coalesce(absences.full_days_absent, 0) as full_days_absent
    from spanned
    left join absences
        on
            spanned.student_id = absences.student_id
            and spanned.school_code = absences.school_code
            and spanned.entry_date = absences.entry_date

),

ranked as (

    select
        stint_days.*,
        row_number() over (
            partition by stint_days.student_id, stint_days.school_code, stint_days.school_year
            order by stint_days.stint_start_date desc, stint_days.entry_date desc
        ) as school_recency_rank,
        row_number() over (
            partition by stint_days.student_id, stint_days.school_year
            order by
                stint_days.stint_start_date desc, stint_days.entry_date desc,
                stint_days.school_code
        ) as district_recency_rank
    from stint_days

),

by_school as (

    select
        ranked.student_id,
        ranked.school_year,
        ranked.school_code,
        false as is_district_scope,
        max(case when ranked.school_recency_rank = 1 then ranked.grade_level end) as grade_level,
        count(*) as enrollment_stints,
        cast(sum(ranked.days_enrolled) as integer) as days_enrolled,
        cast(sum(ranked.days_absent) as decimal(18, 4)) as days_absent,
        cast(sum(ranked.full_days_absent) as integer) as full_days_absent
    from ranked
    group by
        ranked.student_id,
        ranked.school_year,
        ranked.school_code

),

by_district as (

    select
        ranked.student_id,
        ranked.school_year,
        'DISTRICT' as school_code,
        true as is_district_scope,
        max(case when ranked.district_recency_rank = 1 then ranked.grade_level end)
            as grade_level,
        count(*) as enrollment_stints,
        cast(sum(ranked.days_enrolled) as integer) as days_enrolled,
        cast(sum(ranked.days_absent) as decimal(18, 4)) as days_absent,
        cast(sum(ranked.full_days_absent) as integer) as full_days_absent
    from ranked
    group by
        ranked.student_id,
        ranked.school_year

),

scoped as (

    select * from by_school
    union all
    select * from by_district

),

rated as (

    select
        scoped.*,
        cast(scoped.days_enrolled - scoped.days_absent as decimal(18, 4)) as days_present,
        scoped.days_enrolled - scoped.full_days_absent as days_attended,
        case
            when scoped.days_enrolled > 0
                then 100.0 * (scoped.days_enrolled - scoped.days_absent) / scoped.days_enrolled
        end as attendance_rate
    from scoped

),

flagged as (

    select
        rated.student_id,
        rated.school_year,
        rated.school_code,
        rated.is_district_scope,
        rated.grade_level,
        {{ students_grade_band('rated.grade_level') }} as grade_band,
        rated.enrollment_stints,
        rated.days_enrolled,
        rated.days_absent,
        rated.full_days_absent,
        rated.days_present,
        rated.days_attended,
        rated.attendance_rate,
        cast(floor(round(rated.attendance_rate, 6)) as integer) as attendance_rate_whole_pct,
        rated.days_enrolled >= {{ var('chronic_absence_min_enrolled_days') }}
        and rated.days_attended >= 1 as is_chronic_state_eligible,
        rated.days_enrolled >= {{ var('chronic_absence_min_enrolled_days') }}
        and rated.days_attended >= 1
        and rated.days_absent * 100
        >= {{ var('chronic_absence_threshold_pct') }} * rated.days_enrolled
            as is_chronically_absent_state,
        rated.days_enrolled > 0
        and floor(round(rated.attendance_rate, 6))
        <= {{ var('lausd_chronic_attendance_rate_max_pct') }}
            as is_chronically_absent_lausd
    from rated

),

final as (

    select
        flagged.*,
        bands.band_code as attendance_band
    from flagged
    left join bands
        on
            flagged.attendance_rate_whole_pct >= bands.min_whole_pct
            and flagged.attendance_rate_whole_pct <= bands.max_whole_pct

)

select * from final
{{ incremental_build_order() }}
