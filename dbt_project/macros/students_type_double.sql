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

{#- 100 x numerator / denominator, divided as 8-byte floats on every warehouse. `100.0 * n / d`
    divides DECIMALs on PostgreSQL and Spark (Spark keeps six decimal places) and so differs in
    the last digits from DuckDB, which divides doubles; this is DuckDB's arithmetic everywhere. -#}
{% macro students_percent(numerator, denominator) -%}
    cast(100.0 * {{ numerator }} as {{ students_type_double() }}) / {{ denominator }}
{%- endmacro %}
