{#- One row per school year, school and job category (CERT, CLAS): active positions, vacancies
    open on the October snapshot date, and vacancies posted in the school year (cancelled left
    out) and how many of those were filled.
    - Active positions: the HR positions table keeps only the current state (no effective dates),
      so every year is measured against today's active positions.
    - Open on the snapshot date: posted on or before it and neither filled nor closed on or
      before it; a cancelled vacancy without a closing date is not counted open.
    - Filled: has a filled date (at any time up to the load), so the current year's fill rate
      rises as its open vacancies are filled. -#}
with

snapshot_dates as (

    select * from {{ ref('int_workforce_snapshot_dates') }}

),

positions as (

    select * from {{ ref('stg_hr__positions') }}

),

vacancies as (

    select * from {{ ref('stg_hr__vacancies') }}

),

active_positions as (

    select
        snapshot_dates.school_year,
        positions.school_code,
        positions.job_category,
        count(*) as active_positions
    from positions
    cross join snapshot_dates
    where positions.is_active and positions.school_code is not null
    group by 1, 2, 3

),

open_on_snapshot as (

    select
        snapshot_dates.school_year,
        vacancies.school_code,
        vacancies.job_category,
        count(distinct coalesce(vacancies.position_id, vacancies.vacancy_id))
            as open_vacancies
    from vacancies
    inner join snapshot_dates
        on
            vacancies.posted_date <= snapshot_dates.snapshot_date
            and (vacancies.filled_date is null or vacancies.filled_date > snapshot_dates.snapshot_date)
            and (vacancies.closed_date is null or vacancies.closed_date > snapshot_dates.snapshot_date)
    where
        vacancies.school_code is not null
        and not (vacancies.vacancy_status = 'CANCELLED' and vacancies.closed_date is null)
    group by 1, 2, 3

),

posted_in_year as (

    select
        snapshot_dates.school_year,
        vacancies.school_code,
        vacancies.job_category,
        count(*) as vacancies_posted,
        count(*) filter (where vacancies.filled_date is not null) as vacancies_filled
    from vacancies
    inner join snapshot_dates
        on
            vacancies.posted_date between snapshot_dates.school_year_start_date
            and snapshot_dates.school_year_end_date
    where
        vacancies.school_code is not null
        and vacancies.vacancy_status <> 'CANCELLED'
    group by 1, 2, 3

),

keys as (

    select active_positions.school_year, active_positions.school_code, active_positions.job_category
    from active_positions
    union
    select open_on_snapshot.school_year, open_on_snapshot.school_code, open_on_snapshot.job_category
    from open_on_snapshot
    union
    select posted_in_year.school_year, posted_in_year.school_code, posted_in_year.job_category
    from posted_in_year

),

final as (

    select
        keys.school_year,
        keys.school_code,
        keys.job_category,
        coalesce(active_positions.active_positions, 0) as active_positions,
        coalesce(open_on_snapshot.open_vacancies, 0) as open_vacancies,
        coalesce(posted_in_year.vacancies_posted, 0) as vacancies_posted,
        coalesce(posted_in_year.vacancies_filled, 0) as vacancies_filled
    from keys
    left join active_positions
        on
            keys.school_year = active_positions.school_year
            and keys.school_code = active_positions.school_code
            and keys.job_category = active_positions.job_category
    left join open_on_snapshot
        on
            keys.school_year = open_on_snapshot.school_year
            and keys.school_code = open_on_snapshot.school_code
            and keys.job_category = open_on_snapshot.job_category
    left join posted_in_year
        on
            keys.school_year = posted_in_year.school_year
            and keys.school_code = posted_in_year.school_code
            and keys.job_category = posted_in_year.job_category

)

select * from final
