{#- One row per school year, school (or DISTRICT) and race/ethnicity group: staff on the
    October snapshot and students enrolled on the census day in the group, with both totals.
    Only the seven federal groups count (staff who declined to state, DS, and students without a
    code are left out of numerators and totals alike). A staff member at two schools counts at
    each; the DISTRICT row counts every person once, staff and students alike. -#}
with

staff_on_snapshot as (

    select * from {{ ref('int_staff_assignments_on_snapshot') }}

),

students_on_census_day as (

    select * from {{ ref('int_students_enrolled_on_census_day') }}

),

students as (

    select * from {{ ref('dim_students') }}

),

race_groups as (

    select * from {{ ref('workforce_race_groups') }}

),

school_staff as (

    select distinct
        staff_on_snapshot.school_year,
        staff_on_snapshot.school_code,
        staff_on_snapshot.staff_id,
        staff_on_snapshot.race_ethnicity_code
    from staff_on_snapshot
    inner join race_groups
        on staff_on_snapshot.race_ethnicity_code = race_groups.race_ethnicity_code
    where staff_on_snapshot.is_school_based

),

scoped_staff as (

    select
        school_staff.school_year,
        school_staff.school_code,
        school_staff.staff_id,
        school_staff.race_ethnicity_code
    from school_staff
    union all
    select distinct
        school_staff.school_year,
        'DISTRICT' as school_code,
        school_staff.staff_id,
        school_staff.race_ethnicity_code
    from school_staff

),

school_students as (

    select distinct
        students_on_census_day.school_year,
        students_on_census_day.school_code,
        students_on_census_day.student_id,
        students.race_ethnicity_code
    from students_on_census_day
    inner join students
        on students_on_census_day.student_id = students.student_id
    inner join race_groups
        on students.race_ethnicity_code = race_groups.race_ethnicity_code

),

scoped_students as (

    select
        school_students.school_year,
        school_students.school_code,
        school_students.student_id,
        school_students.race_ethnicity_code
    from school_students
    union all
    select distinct
        school_students.school_year,
        'DISTRICT' as school_code,
        school_students.student_id,
        school_students.race_ethnicity_code
    from school_students

),

staff_by_race as (

    select
        scoped_staff.school_year,
        scoped_staff.school_code,
        scoped_staff.race_ethnicity_code,
        count(*) as staff_count
    from scoped_staff
    group by 1, 2, 3

),

students_by_race as (

    select
        scoped_students.school_year,
        scoped_students.school_code,
        scoped_students.race_ethnicity_code,
        count(*) as student_count
    from scoped_students
    group by 1, 2, 3

),

scopes as (

    select staff_by_race.school_year, staff_by_race.school_code from staff_by_race
    union
    select students_by_race.school_year, students_by_race.school_code from students_by_race

),

scope_races as (

    select
        scopes.school_year,
        scopes.school_code,
        race_groups.race_ethnicity_code,
        race_groups.is_person_of_colour
    from scopes
    cross join race_groups

),

counted as (

    select
        scope_races.school_year,
        scope_races.school_code,
        scope_races.race_ethnicity_code,
        scope_races.is_person_of_colour,
        coalesce(staff_by_race.staff_count, 0) as staff_count,
        coalesce(students_by_race.student_count, 0) as student_count
    from scope_races
    left join staff_by_race
        on
            scope_races.school_year = staff_by_race.school_year
            and scope_races.school_code = staff_by_race.school_code
            and scope_races.race_ethnicity_code = staff_by_race.race_ethnicity_code
    left join students_by_race
        on
            scope_races.school_year = students_by_race.school_year
            and scope_races.school_code = students_by_race.school_code
            and scope_races.race_ethnicity_code = students_by_race.race_ethnicity_code

),

final as (

    select
        counted.school_year,
        counted.school_code,
        counted.race_ethnicity_code,
        counted.is_person_of_colour,
        counted.staff_count,
        cast(sum(counted.staff_count) over (
            partition by counted.school_year, counted.school_code
        ) as bigint) as staff_total,
        counted.student_count,
        cast(sum(counted.student_count) over (
            partition by counted.school_year, counted.school_code
        ) as bigint) as student_total
    from counted

)

select * from final
