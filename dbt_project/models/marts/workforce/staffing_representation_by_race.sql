{#- Grain: school year × school (or DISTRICT) × race/ethnicity group. The representation ratio is
    the group's share of staff over its share of students: 1 means staff mirror students, below 1
    the group is under-represented among staff. NULL when the school has no students in the group
    (the ratio is undefined) or no staff with a reported race. -#}
with

race_shares as (

    select * from {{ ref('int_workforce_race_shares') }}

),

shares as (

    select
        race_shares.*,
        case
            when race_shares.staff_total > 0
                then race_shares.staff_count * 100.0 / race_shares.staff_total
        end as staff_share_pct,
        case
            when race_shares.student_total > 0
                then race_shares.student_count * 100.0 / race_shares.student_total
        end as student_share_pct
    from race_shares

),

final as (

    select
        shares.school_year,
        shares.school_code,
        shares.race_ethnicity_code,
        shares.is_person_of_colour,
        shares.staff_count,
        shares.staff_total,
        cast(shares.staff_share_pct as {{ type_double() }}) as staff_share_pct,
        shares.student_count,
        shares.student_total,
        cast(shares.student_share_pct as {{ type_double() }}) as student_share_pct,
        cast(case
            when shares.staff_total > 0 and shares.student_count > 0
                then
                    (shares.staff_count * 1.0 * shares.student_total)
                    / (shares.staff_total * 1.0 * shares.student_count)
        end as {{ type_double() }}) as representation_ratio
    from shares

)

select * from final
