{#- Use each folder's schema name as given (staging, marts, restricted…), not <target>_<custom>,
    so analysts and exports see stable schema names whatever the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
