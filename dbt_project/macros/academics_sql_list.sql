{#- A list var (e.g. `ag_qualifying_marks`) as a SQL literal list for `in (...)`. -#}
{% macro academics_sql_list(values) -%}
    ({%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}
