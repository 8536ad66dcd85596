{#- 100 x numerator / denominator, divided as 8-byte floats on every warehouse. `100.0 * n / d`
    divides DECIMALs on PostgreSQL and Spark (Spark keeps six decimal places) and so differs in
    the last digits from DuckDB, which divides doubles; this is DuckDB's arithmetic everywhere. -#}
{% macro students_percent(numerator, denominator) -%}
    cast(100.0 * {{ numerator }} as {{ type_double() }}) / {{ denominator }}
{%- endmacro %}
