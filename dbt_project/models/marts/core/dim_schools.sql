{#- One row per school: SIS attributes, grade span and a need tier.
    Need tier rule: the share of the school's students who are high needs (HN: EL or former EL,
    SWD or SED) in the latest school year the school had students (cumulative enrolment).
    `Highest` when the share is >= var `need_tier_highest_min_high_needs_pct` (85), `High` when
    >= `need_tier_high_min_high_needs_pct` (70), else `Standard`; NULL for a school that has never
    had students. `need_tier_code` carries the same tier in upper case for joins and vars. -#}
with schools as (

    select * from {{ ref('stg_sis__schools') }}

),

stints as (

    select * from {{ ref('int_student_enrollment_stints') }}

),

student_groups as (

    select * from {{ ref('int_student_groups_annual') }}

),

school_students as (

    select distinct
        stints.school_code,
        stints.school_year,
        stints.student_id
    from stints

),

school_year_needs as (

    select
        school_students.school_code,
        school_students.school_year,
        count(*) as enrolled_students,
        count(high_needs.student_id) as high_needs_students
    from school_students
    left join student_groups as high_needs
        on
            school_students.student_id = high_needs.student_id
            and school_students.school_year = high_needs.school_year
            and high_needs.student_group = 'HN'
    group by
        school_students.school_code,
        school_students.school_year

),

latest_needs as (

    select
        school_year_needs.*,
        row_number() over (
            partition by school_year_needs.school_code
            order by school_year_needs.school_year desc
        ) as recency_rank
    from school_year_needs

),

tiered as (

    select
        latest_needs.school_code,
        latest_needs.school_year as need_tier_school_year,
        latest_needs.enrolled_students as need_tier_enrolled_students,
        {{ students_percent('latest_needs.high_needs_students', 'latest_needs.enrolled_students') }}
            as high_needs_pct,
        case
            when
                latest_needs.high_needs_students * 100
                >= {{ var('need_tier_highest_min_high_needs_pct') }} * latest_needs.enrolled_students
                then 'Highest'
            when
                latest_needs.high_needs_students * 100
                >= {{ var('need_tier_high_min_high_needs_pct') }} * latest_needs.enrolled_students
                then 'High'
            else 'Standard'
        end as need_tier
    from latest_needs
    where latest_needs.recency_rank = 1

),

final as (

    select
        schools.school_code,
        schools.school_name,
        schools.school_level,
        schools.low_grade_level,
        schools.high_grade_level,
        {{ students_grade_number('schools.low_grade_level') }} as low_grade_number,
        {{ students_grade_number('schools.high_grade_level') }} as high_grade_number,
        schools.street_address,
        schools.city,
        schools.state_code,
        schools.zip_code,
        schools.phone_number,
        schools.opened_date,
        schools.is_active,
        tiered.need_tier_school_year,
        tiered.need_tier_enrolled_students,
        tiered.high_needs_pct,
        tiered.need_tier,
        upper(tiered.need_tier) as need_tier_code
    from schools
    left join tiered
        on schools.school_code = tiered.school_code

)

select * from final
