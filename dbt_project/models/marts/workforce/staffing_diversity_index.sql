{#- Grain: school year × school (or DISTRICT). The Staffing Diversity Index on the October
    snapshot: the diversity gap (% students of colour − % staff of colour, in points; positive
    means staff are less diverse than their students) and the Simpson index of the staff
    (1 − Σ p² over the seven race/ethnicity shares: the chance that two staff drawn at random
    differ in race/ethnicity). People of colour are every group except White. -#}
with

race_shares as (

    select * from {{ ref('int_workforce_race_shares') }}

),

totals as (

    select
        race_shares.school_year,
        race_shares.school_code,
        max(race_shares.staff_total) as staff_count,
        sum(case when race_shares.is_person_of_colour then race_shares.staff_count else 0 end)
            as staff_of_colour_count,
        max(race_shares.student_total) as student_count,
        sum(case when race_shares.is_person_of_colour then race_shares.student_count else 0 end)
            as students_of_colour_count,
        sum(race_shares.staff_count * race_shares.staff_count) as staff_count_squares
    from race_shares
    group by 1, 2

),

rates as (

    select
        totals.*,
        case
            when totals.staff_count > 0
                then totals.staff_of_colour_count * 100.0 / totals.staff_count
        end as staff_of_colour_pct,
        case
            when totals.student_count > 0
                then totals.students_of_colour_count * 100.0 / totals.student_count
        end as students_of_colour_pct,
        case
            when totals.staff_count > 0
                then 1 - totals.staff_count_squares * 1.0 / (totals.staff_count * totals.staff_count)
        end as staff_simpson_index
    from totals

),

final as (

    select
        rates.school_year,
        rates.school_code,
        cast(rates.staff_count as bigint) as staff_count,
        cast(rates.staff_of_colour_count as bigint) as staff_of_colour_count,
        cast(rates.staff_of_colour_pct as {{ type_double() }}) as staff_of_colour_pct,
        cast(rates.student_count as bigint) as student_count,
        cast(rates.students_of_colour_count as bigint) as students_of_colour_count,
        cast(rates.students_of_colour_pct as {{ type_double() }})
            as students_of_colour_pct,
        cast(
            rates.students_of_colour_pct - rates.staff_of_colour_pct
            as {{ type_double() }}
        ) as diversity_gap_points,
        cast(rates.staff_simpson_index as {{ type_double() }}) as staff_simpson_index
    from rates

)

select * from final
