{#- Grain: school year × school (or DISTRICT) × applicant race/ethnicity group (the seven
    federal groups with at least one application; DS and ALL are not compared). The four-fifths
    rule: a group's selection rate (hired / applied) over the highest group's selection rate in
    the same school and year; below var `workforce_adverse_impact_ratio_min` (0.8) is evidence
    of adverse impact. Groups with fewer applications than var
    `workforce_adverse_impact_min_applications` are listed but neither compared nor eligible as
    the top group (one hire from one applicant is a 100% rate that says nothing). The ratio is
    NULL when no compared group had a hire. -#}
with

funnel as (

    select * from {{ ref('hiring_funnel') }}

),

race_groups as (

    select * from {{ ref('workforce_race_groups') }}

),

group_rates as (

    select
        funnel.school_year,
        funnel.school_code,
        funnel.race_ethnicity_code,
        sum(case when funnel.stage = 'applied' then funnel.applications_reached else 0 end)
            as applications,
        sum(case when funnel.stage = 'hired' then funnel.applications_reached else 0 end)
            as hires
    from funnel
    inner join race_groups
        on funnel.race_ethnicity_code = race_groups.race_ethnicity_code
    group by 1, 2, 3

),

selection as (

    select
        group_rates.*,
        group_rates.hires * 1.0 / group_rates.applications as selection_rate,
        group_rates.applications
        >= {{ var('workforce_adverse_impact_min_applications') }} as is_compared
    from group_rates
    where group_rates.applications > 0

),

with_top as (

    select
        selection.*,
        max(case when selection.is_compared then selection.selection_rate end) over (
            partition by selection.school_year, selection.school_code
        ) as top_selection_rate
    from selection

),

final as (

    select
        with_top.school_year,
        with_top.school_code,
        with_top.race_ethnicity_code,
        cast(with_top.applications as bigint) as applications,
        cast(with_top.hires as bigint) as hires,
        cast(with_top.selection_rate * 100 as {{ type_double() }})
            as selection_rate_pct,
        cast(with_top.top_selection_rate * 100 as {{ type_double() }})
            as top_group_selection_rate_pct,
        with_top.is_compared,
        cast(case
            when with_top.is_compared and with_top.top_selection_rate > 0
                then with_top.selection_rate / with_top.top_selection_rate
        end as {{ type_double() }}) as adverse_impact_ratio,
        coalesce(
            with_top.is_compared
            and with_top.top_selection_rate > 0
            and with_top.selection_rate
            < {{ var('workforce_adverse_impact_ratio_min') }} * with_top.top_selection_rate,
            false
        ) as is_adverse_impact
    from with_top

)

select * from final
