{#- round(x, d) on a double: PostgreSQL rounds to a number of places only for numeric. -#}
{% macro scorecard_round(expression, decimal_places) -%}
    {{ return(adapter.dispatch('scorecard_round')(expression, decimal_places)) }}
{%- endmacro %}

{% macro default__scorecard_round(expression, decimal_places) -%}
    round({{ expression }}, {{ decimal_places }})
{%- endmacro %}

{% macro postgres__scorecard_round(expression, decimal_places) -%}
    cast(round(cast({{ expression }} as numeric), {{ decimal_places }}) as double precision)
{%- endmacro %}

{#- The status shown for a value: rounded to var scorecard_status_decimals places, or to
    var scorecard_ratio_status_decimals for ratios and indices, whose values sit near 1.
    The value is first rounded to var scorecard_value_decimals (9) places: a mean of doubles
    summed in parallel can come out as 74.64999999999999 in one build and 74.65 in the next,
    and the status must not flip between 74.6 and 74.7 with the order rows were added in. -#}
{% macro scorecard_status(value_expression, unit_expression) -%}
    {%- set value = scorecard_round(value_expression, var('scorecard_value_decimals')) -%}
    case
        when {{ unit_expression }} in ('ratio', 'index')
            then {{ scorecard_round(value, var('scorecard_ratio_status_decimals')) }}
        else {{ scorecard_round(value, var('scorecard_status_decimals')) }}
    end
{%- endmacro %}

{#- How much better `value` is than `comparison`: value - comparison when higher is better,
    comparison - value when lower is better, NULL when neither is. A subtraction rather than a
    product with -1 keeps equal values at 0.0 instead of -0.0. -#}
{% macro scorecard_oriented_gap(value, comparison, higher_is_better) -%}
    case
        when {{ higher_is_better }} then {{ value }} - {{ comparison }}
        when not {{ higher_is_better }} then {{ comparison }} - {{ value }}
    end
{%- endmacro %}
