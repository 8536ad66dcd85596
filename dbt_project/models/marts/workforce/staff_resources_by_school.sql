{#- Grain: school year × school (or DISTRICT). Resources per pupil on the October snapshot:
    assigned staff FTE per 100 students and annual salary dollars per pupil, over the students
    enrolled at the school on the census day (enrollment_by_group.census_day_enrollment, ALL).
    DISTRICT pools school-based staff and all census-day students (central office excluded, so
    it is comparable with the schools). A school whose staff have no salary recorded (HR read
    from Ed-Fi carries none) has no salary figures rather than zero dollars, and then neither
    has DISTRICT. -#}
with

snapshot as (

    select * from {{ ref('int_staff_assignments_on_snapshot') }}

),

enrollment_by_group as (

    select * from {{ ref('enrollment_by_group') }}

),

schools as (

    select * from {{ ref('dim_schools') }}

),

staff_by_school as (

    select
        snapshot.school_year,
        snapshot.school_code,
        count(distinct snapshot.staff_id) as staff_count,
        sum(snapshot.fte) as staff_fte,
        sum(snapshot.annual_salary) as salary_dollars
    from snapshot
    where snapshot.is_school_based
    group by 1, 2

),

students_by_school as (

    select
        enrollment_by_group.school_year,
        enrollment_by_group.school_code,
        enrollment_by_group.census_day_enrollment as enrolled_students
    from enrollment_by_group
    where
        enrollment_by_group.student_group = 'ALL'
        and enrollment_by_group.school_code <> 'DISTRICT'
        and enrollment_by_group.census_day_enrollment > 0

),

school_rows as (

    select
        coalesce(staff_by_school.school_year, students_by_school.school_year) as school_year,
        coalesce(staff_by_school.school_code, students_by_school.school_code) as school_code,
        coalesce(staff_by_school.staff_count, 0) as staff_count,
        coalesce(staff_by_school.staff_fte, 0) as staff_fte,
        case
            when staff_by_school.school_code is null then 0
            else staff_by_school.salary_dollars
        end as salary_dollars,
        coalesce(students_by_school.enrolled_students, 0) as enrolled_students
    from staff_by_school
    full outer join students_by_school
        on
            staff_by_school.school_year = students_by_school.school_year
            and staff_by_school.school_code = students_by_school.school_code

),

district_staff as (

    select
        snapshot.school_year,
        count(distinct snapshot.staff_id) as staff_count
    from snapshot
    where snapshot.is_school_based
    group by 1

),

district_students as (

    select
        enrollment_by_group.school_year,
        enrollment_by_group.census_day_enrollment as enrolled_students
    from enrollment_by_group
    where
        enrollment_by_group.student_group = 'ALL'
        and enrollment_by_group.school_code = 'DISTRICT'

),

district_rows as (

    select
        school_rows.school_year,
        'DISTRICT' as school_code,
        max(district_staff.staff_count) as staff_count,
        sum(school_rows.staff_fte) as staff_fte,
        case
            when count(school_rows.salary_dollars) = count(*) then sum(school_rows.salary_dollars)
        end as salary_dollars,
        max(district_students.enrolled_students) as enrolled_students
    from school_rows
    left join district_staff
        on school_rows.school_year = district_staff.school_year
    left join district_students
        on school_rows.school_year = district_students.school_year
    group by 1, 2

),

scoped as (

    select * from school_rows
    union all
    select
        district_rows.school_year,
        district_rows.school_code,
        coalesce(district_rows.staff_count, 0) as staff_count,
        district_rows.staff_fte,
        district_rows.salary_dollars,
        coalesce(district_rows.enrolled_students, 0) as enrolled_students
    from district_rows

),

final as (

    select
        scoped.school_year,
        scoped.school_code,
        schools.need_tier,
        cast(scoped.staff_count as bigint) as staff_count,
        cast(scoped.staff_fte as {{ type_double() }}) as staff_fte,
        cast(scoped.salary_dollars as {{ type_double() }}) as salary_dollars,
        cast(scoped.enrolled_students as bigint) as enrolled_students,
        cast(case
            when scoped.enrolled_students > 0
                then scoped.staff_fte * 100.0 / scoped.enrolled_students
        end as {{ type_double() }}) as fte_per_100_students,
        cast(case
            when scoped.enrolled_students > 0
                then scoped.salary_dollars * 1.0 / scoped.enrolled_students
        end as {{ type_double() }}) as salary_per_pupil
    from scoped
    left join schools
        on scoped.school_code = schools.school_code

)

select * from final
