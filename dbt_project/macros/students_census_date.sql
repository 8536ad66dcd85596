{#- Census day of a `YYYY-YY` school year: the first day on or after `census_day_search_start`
    (MM-DD, in the year's first calendar year) that falls on ISO weekday `census_day_iso_weekday`
    (1 = Monday … 7 = Sunday). Default: the first Wednesday of October. The weekday is computed
    from the day count since Monday 1970-01-05, which reads the same on every warehouse. -#}
{% macro students_census_date(school_year_column) -%}
    {%- set search_start -%}
        cast({{ dbt.concat([
            "substr(" ~ school_year_column ~ ", 1, 4)",
            "'-'",
            "'" ~ var('census_day_search_start') ~ "'",
        ]) }} as date)
    {%- endset -%}
    {%- set iso_weekday_of_start -%}
        ({{ dbt.datediff("cast('1970-01-05' as date)", search_start, 'day') }} % 7 + 1)
    {%- endset -%}
    cast({{ dbt.dateadd(
        'day',
        "((" ~ var('census_day_iso_weekday') ~ " - " ~ iso_weekday_of_start ~ " + 7) % 7)",
        search_start,
    ) }} as date)
{%- endmacro %}
