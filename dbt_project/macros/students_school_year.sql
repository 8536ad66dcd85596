{#- School years run 1 July to 30 June and are written `YYYY-YY` (ingestion/SOURCES.md).
    Attendance and discipline rows carry only a date, so staging derives the year from it. -#}
{% macro students_school_year_of(date_column) -%}
    {%- set start_year -%}
        (cast(extract(year from {{ date_column }}) as integer)
            - case when extract(month from {{ date_column }}) >= 7 then 0 else 1 end)
    {%- endset -%}
    {{ dbt.concat([
        "cast(" ~ start_year ~ " as " ~ dbt.type_string() ~ ")",
        "'-'",
        "substr(cast(" ~ start_year ~ " + 1 as " ~ dbt.type_string() ~ "), 3, 2)",
    ]) }}
{%- endmacro %}

{#- The first calendar year of a `YYYY-YY` school year, as an integer (2025 for `2025-26`). -#}
{% macro students_school_year_start(school_year_column) -%}
    cast(substr({{ school_year_column }}, 1, 4) as integer)
{%- endmacro %}

{#- First (1 July) and last (30 June) day of a `YYYY-YY` school year. -#}
{% macro students_school_year_start_date(school_year_column) -%}
    cast({{ dbt.concat(["substr(" ~ school_year_column ~ ", 1, 4)", "'-07-01'"]) }} as date)
{%- endmacro %}

{% macro students_school_year_end_date(school_year_column) -%}
    cast({{ dbt.concat([
        "cast(" ~ students_school_year_start(school_year_column) ~ " + 1 as " ~ dbt.type_string() ~ ")",
        "'-06-30'",
    ]) }} as date)
{%- endmacro %}
