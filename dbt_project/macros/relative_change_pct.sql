{#- The relative change from `prior` to `current`, in percent of `prior`: +25 when 40 became 50.
    NULL when there is no prior value or it is not positive (no growth from zero), so every
    growth measure (the SEL growth of the survey measure, the construct results' growth) has
    the same rule. -#}
{% macro relative_change_pct(current, prior) -%}
    case when {{ prior }} > 0 then ({{ current }} - {{ prior }}) * 100.0 / {{ prior }} end
{%- endmacro %}
