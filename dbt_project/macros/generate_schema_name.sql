{#- Use each folder's schema name as given (staging, marts, restricted…), not <target>_<custom>,
    so analysts and exports see stable schema names whatever the target. The env var
    DBT_SCHEMA_PREFIX (default empty; profiles.yml) prefixes them all, raw sources included, so
    a shared database can hold a build beside other things. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ env_var('DBT_SCHEMA_PREFIX', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
