{#- One row per graduate (student and graduation school year): year-long a-g courses completed
    per area (see int_ag_area_years_by_graduate for how semesters become years) and whether the
    graduate completed the a-g sequence. Complete means every area a-f reaches its required
    years, and the elective area (g) reaches its requirement counting g courses plus the years
    in areas a-f beyond their own requirement (UC/CSU roll surplus a-f courses to the elective).
    `is_history_window_complete` marks graduation years whose whole high school career
    (`ag_high_school_years`, 4, ending with the graduation year) lies inside the course history
    the warehouse holds; for earlier graduation years the first semesters are simply not
    loaded, so measure_postsecondary leaves those years out rather than report a false low.
    Incremental by school year (macros/incremental_school_years.sql). The history window
    is taken from every course mark. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with ag_area_years as (

    select * from {{ ref('int_ag_area_years_by_graduate') }}
    where {{ incremental_school_year_filter('school_year') }}

),

graduates as (

    select * from {{ ref('int_graduates_by_school_year') }}
    where {{ incremental_school_year_filter('school_year') }}

),

course_grades as (

    select * from {{ ref('stg_sis__course_grades') }}

),

course_history_window as (

    select
        min({{ school_year_start('course_grades.school_year') }})
            as first_course_year_start
    from course_grades

),

graduate_totals as (

    select
        ag_area_years.student_id,
        ag_area_years.school_year,
        max(case when ag_area_years.ag_area = 'a' then ag_area_years.completed_years end)
            as ag_a_years,
        max(case when ag_area_years.ag_area = 'b' then ag_area_years.completed_years end)
            as ag_b_years,
        max(case when ag_area_years.ag_area = 'c' then ag_area_years.completed_years end)
            as ag_c_years,
        max(case when ag_area_years.ag_area = 'd' then ag_area_years.completed_years end)
            as ag_d_years,
        max(case when ag_area_years.ag_area = 'e' then ag_area_years.completed_years end)
            as ag_e_years,
        max(case when ag_area_years.ag_area = 'f' then ag_area_years.completed_years end)
            as ag_f_years,
        max(case when ag_area_years.ag_area = 'g' then ag_area_years.completed_years end)
            as ag_g_years,
        sum(ag_area_years.completed_years) as ag_total_years,
        count(*) filter (
            where not ag_area_years.is_elective_area
            and ag_area_years.completed_years < ag_area_years.required_years
        ) as core_areas_short_count,
        sum(
            case
                when ag_area_years.is_elective_area then ag_area_years.completed_years
                when ag_area_years.completed_years > ag_area_years.required_years
                    then ag_area_years.completed_years - ag_area_years.required_years
                else 0
            end
        ) as elective_years_with_surplus,
        sum(case when ag_area_years.is_elective_area then ag_area_years.required_years else 0 end)
            as elective_required_years
    from ag_area_years
    group by
        ag_area_years.student_id,
        ag_area_years.school_year

),

final as (

    select
        graduates.student_id,
        graduates.school_year,
        graduates.school_code,
        graduates.graduation_date,
        graduate_totals.ag_a_years,
        graduate_totals.ag_b_years,
        graduate_totals.ag_c_years,
        graduate_totals.ag_d_years,
        graduate_totals.ag_e_years,
        graduate_totals.ag_f_years,
        graduate_totals.ag_g_years,
        graduate_totals.ag_total_years,
        graduate_totals.elective_years_with_surplus,
        graduate_totals.core_areas_short_count,
        (
            graduate_totals.core_areas_short_count = 0
            and graduate_totals.elective_years_with_surplus
            >= graduate_totals.elective_required_years
        ) as is_ag_complete,
        coalesce(
            {{ school_year_start('graduates.school_year') }}
            - ({{ var('ag_high_school_years') }} - 1)
            >= course_history_window.first_course_year_start,
            false
        ) as is_history_window_complete
    from graduates
    inner join graduate_totals
        on
            graduate_totals.student_id = graduates.student_id
            and graduate_totals.school_year = graduates.school_year
    cross join course_history_window

)

select * from final
{{ incremental_build_order() }}
