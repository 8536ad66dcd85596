{#- Restricted. One row per registration: calendar days from registration to placement and to
    the first day of attendance (NULL while not yet placed / never attended). Every
    registration is a request for a new enrolment. The school year is the registration's, or
    the one containing the registration date when the source leaves it empty.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with registrations as (

    select * from {{ ref('stg_sis__registrations') }}

),

final as (

    select
        registrations.registration_id,
        registrations.student_id,
        registrations.school_code,
        coalesce(
            registrations.school_year,
            {{ school_year_of('registrations.registration_date') }}
        ) as school_year,
        registrations.registration_date,
        registrations.placement_date,
        registrations.first_attendance_date,
        {{ dbt.datediff('registrations.registration_date', 'registrations.placement_date', 'day') }}
            as days_to_placement,
        {{ dbt.datediff('registrations.registration_date', 'registrations.first_attendance_date', 'day') }}
            as days_to_first_attendance
    from registrations
    where
        {{ incremental_school_year_filter(
            'coalesce(registrations.school_year, '
            ~ school_year_of('registrations.registration_date') ~ ')'
        ) }}

)

select * from final
{{ incremental_build_order() }}
