{#- A double-precision float on every adapter. dbt.type_float() renders `float`, which DuckDB
    reads as a 4-byte REAL; measure values and DFS means need 8 bytes. -#}
{% macro academics_type_double() -%}
    {{ return(adapter.dispatch('academics_type_double', 'district')()) }}
{%- endmacro %}

{% macro default__academics_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__academics_type_double() -%}
    double
{%- endmacro %}

{% macro spark__academics_type_double() -%}
    double
{%- endmacro %}
