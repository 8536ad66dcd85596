{#- One row per completed tutoring session: the sessions that count as usage. No-show and
    cancelled sessions delivered no tutoring, so they count toward no measure (participation,
    sessions, minutes or dosage); they stay in stg_tutoring__sessions for reconciliation with
    the vendor. Each session carries its school year (1 July – 30 June of the local session
    date), month and week (weeks start on Monday).
    Incremental by school year (macros/incremental_school_years.sql): sessions are narrowed by
    their UTC start to the years a day wider on each side (a range the table scan uses), then
    by their local date. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

sessions as (

    select * from {{ ref('stg_tutoring__sessions') }}

),

final as (

    select
        sessions.session_id,
        sessions.student_id,
        sessions.school_code,
        sessions.service_type,
        sessions.subject,
        sessions.session_date,
        {{ school_year_of('sessions.session_date') }} as school_year,
        cast({{ dbt.date_trunc('month', 'sessions.session_date') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('week', 'sessions.session_date') }} as date) as week_start_date,
        coalesce(sessions.duration_minutes, 0) as duration_minutes
    from sessions
    where
        sessions.session_status = 'completed'
        and {{ incremental_school_year_dates_filter('sessions.started_at', 'timestamp', 1) }}
        and {{ incremental_school_year_dates_filter('sessions.session_date') }}

)

select * from final
{{ incremental_build_order() }}
