{#- The date the current school year is measured up to. Enrolments without an exit date are
    counted to the end of their school year or to this date, whichever is earlier, so the current
    year never counts future calendar days. Set the `as_of_date` var (YYYY-MM-DD) to rerun a past
    night exactly; by default it is today. -#}
{% macro students_as_of_date() -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}
