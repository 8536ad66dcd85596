{#- True when `value` lies in the interval of a cut-seed row (dashboard_status_cuts,
    dashboard_change_cuts): a NULL bound is unbounded, and each bound is closed or open
    as its is_*_inclusive flag says. -#}
{% macro scorecard_in_cut_interval(value, cut_relation) -%}
    (
        ({{ cut_relation }}.min_value is null
            or {{ value }} > {{ cut_relation }}.min_value
            or ({{ cut_relation }}.is_min_inclusive and {{ value }} = {{ cut_relation }}.min_value))
        and ({{ cut_relation }}.max_value is null
            or {{ value }} < {{ cut_relation }}.max_value
            or ({{ cut_relation }}.is_max_inclusive and {{ value }} = {{ cut_relation }}.max_value))
    )
{%- endmacro %}
