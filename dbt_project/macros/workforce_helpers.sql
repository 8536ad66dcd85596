{#- An 8-byte float on every adapter: dbt.type_float() renders `float`, a 4-byte REAL on DuckDB,
    too coarse for salary totals and rates. -#}
{% macro workforce_type_double() -%}
    {{ return(adapter.dispatch('workforce_type_double', 'district')()) }}
{%- endmacro %}

{% macro default__workforce_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__workforce_type_double() -%}
    double
{%- endmacro %}

{% macro spark__workforce_type_double() -%}
    double
{%- endmacro %}

{#- The school year before a `YYYY-YY` school year (`2025-26` -> `2024-25`); year-over-year
    comparisons join on it so that a missing year is never silently skipped by a lag(). -#}
{% macro workforce_previous_school_year(school_year_column) -%}
    {{ dbt.concat([
        "cast(" ~ students_school_year_start(school_year_column) ~ " - 1 as "
            ~ dbt.type_string() ~ ")",
        "'-'",
        "substr(" ~ school_year_column ~ ", 3, 2)",
    ]) }}
{%- endmacro %}
