{#- School years run 1 July to 30 June and are written `YYYY-YY` (ingestion/SOURCES.md); the
    arithmetic on them (last year, years since a baseline) runs on the first calendar year as an
    integer. The one place the project's SQL turns dates and years into each other. -#}

{#- The school year of a date: attendance and discipline rows carry only a date. -#}
{% macro school_year_of(date_column) -%}
    {%- set start_year -%}
        (cast(extract(year from {{ date_column }}) as integer)
            - case when extract(month from {{ date_column }}) >= 7 then 0 else 1 end)
    {%- endset -%}
    {{ school_year_label(start_year) }}
{%- endmacro %}

{#- The first calendar year of a `YYYY-YY` school year, as an integer (2025 for `2025-26`). -#}
{% macro school_year_start(school_year_column) -%}
    cast(substr({{ school_year_column }}, 1, 4) as {{ dbt.type_int() }})
{%- endmacro %}

{#- The `YYYY-YY` label of the school year starting in the given calendar year (2025 -> 2025-26). -#}
{% macro school_year_label(start_year_expression) -%}
    {{ dbt.concat([
        "cast(" ~ start_year_expression ~ " as " ~ dbt.type_string() ~ ")",
        "'-'",
        "substr(cast(" ~ start_year_expression ~ " + 1 as " ~ dbt.type_string() ~ "), 3, 2)",
    ]) }}
{%- endmacro %}

{#- The school year before a `YYYY-YY` school year (`2025-26` -> `2024-25`); year-over-year
    comparisons join on it so that a missing year is never silently skipped by a lag(). -#}
{% macro previous_school_year(school_year_column) -%}
    {{ school_year_label(school_year_start(school_year_column) ~ " - 1") }}
{%- endmacro %}

{#- First (1 July) and last (30 June) day of a `YYYY-YY` school year. -#}
{% macro school_year_start_date(school_year_column) -%}
    cast({{ dbt.concat(["substr(" ~ school_year_column ~ ", 1, 4)", "'-07-01'"]) }} as date)
{%- endmacro %}

{% macro school_year_end_date(school_year_column) -%}
    cast({{ dbt.concat([
        "cast(" ~ school_year_start(school_year_column) ~ " + 1 as " ~ dbt.type_string() ~ ")",
        "'-06-30'",
    ]) }} as date)
{%- endmacro %}
