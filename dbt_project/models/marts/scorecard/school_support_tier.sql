{#- One row per school and school year: the tier of differentiated support and the counts that
    placed the school there. A school is in the highest tier of seed support_tier_rules for which
    any of that tier's thresholds is met (a blank threshold is not a criterion); a school meeting
    none is in the lowest tier.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with

scorecard as (

    select * from {{ ref('school_scorecard') }}
    where school_code <> 'DISTRICT' and {{ incremental_school_year_filter('school_year') }}

),

tier_rules as (

    select * from {{ ref('support_tier_rules') }}

),

indicator_counts as (

    select
        scorecard.school_year,
        scorecard.school_code,
        max(scorecard.school_name) as school_name,
        max(scorecard.school_level) as school_level,
        count(scorecard.color) as colored_indicator_count,
        count(*) filter (where scorecard.color = 'Red') as red_count,
        count(*) filter (where scorecard.color = 'Orange') as orange_count,
        count(*) filter (where scorecard.color in ('Red', 'Orange')) as red_or_orange_count,
        count(*) filter (
            where scorecard.color = 'Red' and scorecard.student_group = 'ALL'
        ) as red_count_all_students,
        count(scorecard.is_on_track) as goals_assessed_count,
        count(*) filter (where scorecard.is_on_track) as goals_on_track_count,
        count(*) filter (where not scorecard.is_on_track) as goals_off_track_count,
        count(*) filter (
            where scorecard.is_on_track is not null and scorecard.student_group = 'ALL'
        ) as schoolwide_goals_assessed_count,
        count(*) filter (
            where not scorecard.is_on_track and scorecard.student_group = 'ALL'
        ) as schoolwide_goals_off_track_count
    from scorecard
    group by scorecard.school_year, scorecard.school_code

),

rule_matches as (

    select
        indicator_counts.school_year,
        indicator_counts.school_code,
        tier_rules.support_tier,
        tier_rules.tier_name,
        tier_rules.min_red_count,
        tier_rules.min_red_or_orange_count,
        tier_rules.min_schoolwide_goals_off_track_count,
        indicator_counts.red_count >= tier_rules.min_red_count as is_red_count_met,
        indicator_counts.red_or_orange_count >= tier_rules.min_red_or_orange_count
            as is_red_or_orange_count_met,
        indicator_counts.schoolwide_goals_off_track_count
        >= tier_rules.min_schoolwide_goals_off_track_count
            as is_schoolwide_goals_off_track_met
    from indicator_counts
    cross join tier_rules

),

met_rules as (

    select * from rule_matches
    where is_red_count_met or is_red_or_orange_count_met or is_schoolwide_goals_off_track_met

),

highest_met_rule as (

    select
        met_rules.*,
        row_number() over (
            partition by met_rules.school_year, met_rules.school_code
            order by met_rules.support_tier desc
        ) as tier_order
    from met_rules

),

default_tier as (

    select
        tier_rules.support_tier,
        tier_rules.tier_name
    from tier_rules
    where tier_rules.support_tier = (
        select min(lowest_rule.support_tier) from tier_rules as lowest_rule
    )

),

final as (

    select
        indicator_counts.school_year,
        indicator_counts.school_code,
        indicator_counts.school_name,
        indicator_counts.school_level,
        coalesce(highest_met_rule.support_tier, default_tier.support_tier) as support_tier,
        coalesce(highest_met_rule.tier_name, default_tier.tier_name) as tier_name,
        coalesce(
            nullif(concat_ws(
                '; ',
                case when highest_met_rule.is_red_count_met then {{ dbt.concat([
                    "cast(indicator_counts.red_count as " ~ dbt.type_string() ~ ")",
                    "' Red (tier threshold '",
                    "cast(highest_met_rule.min_red_count as " ~ dbt.type_string() ~ ")",
                    "')'",
                ]) }} end,
                case when highest_met_rule.is_red_or_orange_count_met then {{ dbt.concat([
                    "cast(indicator_counts.red_or_orange_count as " ~ dbt.type_string() ~ ")",
                    "' Red or Orange (tier threshold '",
                    "cast(highest_met_rule.min_red_or_orange_count as " ~ dbt.type_string() ~ ")",
                    "')'",
                ]) }} end,
                case when highest_met_rule.is_schoolwide_goals_off_track_met then {{ dbt.concat([
                    "cast(indicator_counts.schoolwide_goals_off_track_count as " ~ dbt.type_string() ~ ")",
                    "' schoolwide goals off track (tier threshold '",
                    "cast(highest_met_rule.min_schoolwide_goals_off_track_count as "
                        ~ dbt.type_string() ~ ")",
                    "')'",
                ]) }} end
            ), ''),
            'no tier threshold met'
        ) as tier_reason,
        indicator_counts.colored_indicator_count,
        indicator_counts.red_count,
        indicator_counts.orange_count,
        indicator_counts.red_or_orange_count,
        indicator_counts.red_count_all_students,
        indicator_counts.goals_assessed_count,
        indicator_counts.goals_on_track_count,
        indicator_counts.goals_off_track_count,
        indicator_counts.schoolwide_goals_assessed_count,
        indicator_counts.schoolwide_goals_off_track_count
    from indicator_counts
    cross join default_tier
    left join highest_met_rule
        on
            indicator_counts.school_year = highest_met_rule.school_year
            and indicator_counts.school_code = highest_met_rule.school_code
            and highest_met_rule.tier_order = 1

)

select * from final
{{ incremental_build_order() }}
