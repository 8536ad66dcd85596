{#- The student-group bridge: one row per student, school year and reporting group the student
    belongs to that year, `ALL` included. Every measure joins it once to be computed for every
    group. A student is in a year when enrolled on at least one day of it. Groups:
    race/ethnicity (federal code, plus California's FI category), gender, and the annual program
    groups (EL, RFEP, SWD = IEP only, 504 is not SWD, SED, FY, HOM), and HN (high needs:
    EL or RFEP, SWD or SED in that year). 
    Incremental by school year (macros/incremental_school_years.sql). A student's attributes
    (race, gender) are read as they are today: a change to them reaches past years' groups only
    with a full refresh. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with stints as (

    select * from {{ ref('int_student_enrollment_stints') }}
    where {{ incremental_school_year_filter('school_year') }}

),

students as (

    select * from {{ ref('dim_students') }}

),

programs as (

    select * from {{ ref('int_student_program_spans_annual') }}
    where {{ incremental_school_year_filter('school_year') }}

),

program_groups as (

    select * from {{ ref('student_program_groups') }}

),

student_years as (

    select distinct
        stints.student_id,
        stints.school_year
    from stints

),

all_group as (

    select
        student_years.student_id,
        student_years.school_year,
        'ALL' as student_group,
        'all' as group_category
    from student_years

),

race_group as (

    select
        student_years.student_id,
        student_years.school_year,
        students.race_ethnicity_code as student_group,
        'race' as group_category
    from student_years
    inner join students
        on student_years.student_id = students.student_id
    where students.race_ethnicity_code is not null

),

filipino_group as (

    select
        student_years.student_id,
        student_years.school_year,
        'FI' as student_group,
        'race' as group_category
    from student_years
    inner join students
        on student_years.student_id = students.student_id
    where students.is_filipino

),

gender_group as (

    select
        student_years.student_id,
        student_years.school_year,
        students.gender as student_group,
        'gender' as group_category
    from student_years
    inner join students
        on student_years.student_id = students.student_id
    where students.gender in ('F', 'M', 'X')

),

program_group as (

    select distinct
        programs.student_id,
        programs.school_year,
        program_groups.student_group,
        'program' as group_category
    from programs
    inner join program_groups
        on programs.program_code = program_groups.program_code

),

high_needs_group as (

    select distinct
        programs.student_id,
        programs.school_year,
        'HN' as student_group,
        'program' as group_category
    from programs
    inner join program_groups
        on programs.program_code = program_groups.program_code
    where program_groups.is_high_needs

),

final as (

    select * from all_group
    union all
    select * from race_group
    union all
    select * from filipino_group
    union all
    select * from gender_group
    union all
    select * from program_group
    union all
    select * from high_needs_group

)

select * from final
{{ incremental_build_order() }}
