{#- The calendar date of a UTC timestamp in the district's time zone (var `district_timezone`).
    A session started at 17:30 in Los Angeles is 01:30 UTC the next day; grouping sessions by
    school day, week and month needs the local date. -#}
{% macro tutoring_local_date(timestamp_expr) -%}
    {{ return(adapter.dispatch('tutoring_local_date')(timestamp_expr)) }}
{%- endmacro %}

{% macro default__tutoring_local_date(timestamp_expr) -%}
    cast(({{ timestamp_expr }} at time zone '{{ var("district_timezone") }}') as date)
{%- endmacro %}

{% macro spark__tutoring_local_date(timestamp_expr) -%}
    to_date(from_utc_timestamp({{ timestamp_expr }}, '{{ var("district_timezone") }}'))
{%- endmacro %}
