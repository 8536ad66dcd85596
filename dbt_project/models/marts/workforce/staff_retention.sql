{#- Grain: school year × school (or DISTRICT). The value belongs to the later of two consecutive
    October snapshots: of the staff at a school on the previous year's snapshot, how many are on
    this year's snapshot at the same school in a job title they held there (retained), at the
    same school in any title, and anywhere in the district (central office included).
    DISTRICT counts each person once: retained when retained at any school they were at.
    Rows exist only for years whose previous year also has a snapshot. -#}
with

snapshot as (

    select * from {{ ref('int_staff_assignments_on_snapshot') }}

),

snapshot_dates as (

    select * from {{ ref('int_workforce_snapshot_dates') }}

),

school_roles as (

    select distinct
        snapshot.school_year,
        snapshot.staff_id,
        snapshot.school_code,
        snapshot.job_title
    from snapshot
    where snapshot.is_school_based

),

on_snapshot as (

    select distinct
        snapshot.school_year,
        snapshot.staff_id
    from snapshot

),

prior_staff as (

    select distinct
        snapshot_dates.school_year,
        school_roles.staff_id,
        school_roles.school_code
    from school_roles
    inner join snapshot_dates
        on
            school_roles.school_year
            = {{ previous_school_year('snapshot_dates.school_year') }}

),

same_title as (

    select distinct
        current_roles.school_year,
        current_roles.staff_id,
        current_roles.school_code
    from school_roles as current_roles
    inner join school_roles as prior_roles
        on
            prior_roles.school_year
            = {{ previous_school_year('current_roles.school_year') }}
            and current_roles.staff_id = prior_roles.staff_id
            and current_roles.school_code = prior_roles.school_code
            and current_roles.job_title = prior_roles.job_title

),

same_school as (

    select distinct
        school_roles.school_year,
        school_roles.staff_id,
        school_roles.school_code
    from school_roles

),

outcomes as (

    select
        prior_staff.school_year,
        prior_staff.staff_id,
        prior_staff.school_code,
        same_title.staff_id is not null as is_retained,
        same_school.staff_id is not null as is_at_same_school,
        on_snapshot.staff_id is not null as is_in_district
    from prior_staff
    left join same_title
        on
            prior_staff.school_year = same_title.school_year
            and prior_staff.staff_id = same_title.staff_id
            and prior_staff.school_code = same_title.school_code
    left join same_school
        on
            prior_staff.school_year = same_school.school_year
            and prior_staff.staff_id = same_school.staff_id
            and prior_staff.school_code = same_school.school_code
    left join on_snapshot
        on
            prior_staff.school_year = on_snapshot.school_year
            and prior_staff.staff_id = on_snapshot.staff_id

),

scoped as (

    select
        outcomes.school_year,
        outcomes.school_code,
        outcomes.staff_id,
        outcomes.is_retained,
        outcomes.is_at_same_school,
        outcomes.is_in_district
    from outcomes
    union all
    select
        outcomes.school_year,
        'DISTRICT' as school_code,
        outcomes.staff_id,
        max(case when outcomes.is_retained then 1 else 0 end) = 1 as is_retained,
        max(case when outcomes.is_at_same_school then 1 else 0 end) = 1 as is_at_same_school,
        max(case when outcomes.is_in_district then 1 else 0 end) = 1 as is_in_district
    from outcomes
    group by 1, 2, 3

),

counted as (

    select
        scoped.school_year,
        scoped.school_code,
        count(*) as staff_on_prior_snapshot,
        count(*) filter (where scoped.is_retained) as staff_retained,
        count(*) filter (where scoped.is_at_same_school) as staff_at_same_school,
        count(*) filter (where scoped.is_in_district) as staff_in_district
    from scoped
    group by 1, 2

),

final as (

    select
        counted.school_year,
        {{ previous_school_year('counted.school_year') }} as prior_school_year,
        counted.school_code,
        counted.staff_on_prior_snapshot,
        counted.staff_retained,
        cast(
            counted.staff_retained * 100.0 / counted.staff_on_prior_snapshot
            as {{ type_double() }}
        ) as retention_rate_pct,
        counted.staff_at_same_school,
        cast(
            counted.staff_at_same_school * 100.0 / counted.staff_on_prior_snapshot
            as {{ type_double() }}
        ) as school_stay_rate_pct,
        counted.staff_in_district,
        cast(
            counted.staff_in_district * 100.0 / counted.staff_on_prior_snapshot
            as {{ type_double() }}
        ) as district_stay_rate_pct
    from counted

)

select * from final
