{#- An 8-byte float on every adapter. dbt.type_float() renders `float`, which DuckDB and Spark
    read as a 4-byte REAL: too coarse for measure numerators, absence fractions, DFS means,
    salary totals and rates. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'district')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
