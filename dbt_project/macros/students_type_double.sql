{#- An 8-byte float on every adapter. dbt.type_float() renders `float`, which DuckDB reads as a
    4-byte REAL; measure numerators and absence fractions need double precision. -#}
{% macro students_type_double() -%}
    {{ return(adapter.dispatch('students_type_double', 'district')()) }}
{%- endmacro %}

{% macro default__students_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__students_type_double() -%}
    double
{%- endmacro %}

{% macro spark__students_type_double() -%}
    double
{%- endmacro %}
