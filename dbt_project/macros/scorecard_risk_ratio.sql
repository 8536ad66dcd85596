{#- Risk ratio of a group: its rate over the rate of all other students, with "all other
    students" taken as the ALL row minus the group's row:
        (num_g / den_g) / ((num_all - num_g) / (den_all - den_g))
      = num_g * (den_all - den_g) / (den_g * (num_all - num_g))
    Only for percent measures whose rows are counts (value = 100 * numerator / denominator within
    var scorecard_rate_consistency_tolerance_pct points, for the group and for ALL); NULL where
    nobody else is left or nobody else meets the rule (the ratio is undefined). -#}
{% macro scorecard_risk_ratio(group_relation, all_relation) -%}
    case
        when {{ group_relation }}.unit = 'percent'
            and {{ group_relation }}.denominator > 0
            and {{ all_relation }}.denominator - {{ group_relation }}.denominator > 0
            and {{ all_relation }}.numerator - {{ group_relation }}.numerator > 0
            and abs({{ group_relation }}.value
                - 100.0 * {{ group_relation }}.numerator / {{ group_relation }}.denominator)
                <= {{ var('scorecard_rate_consistency_tolerance_pct') }}
            and abs({{ all_relation }}.value
                - 100.0 * {{ all_relation }}.numerator / {{ all_relation }}.denominator)
                <= {{ var('scorecard_rate_consistency_tolerance_pct') }}
            then {{ group_relation }}.numerator
                * ({{ all_relation }}.denominator - {{ group_relation }}.denominator)
                / ({{ group_relation }}.denominator
                    * ({{ all_relation }}.numerator - {{ group_relation }}.numerator))
    end
{%- endmacro %}
