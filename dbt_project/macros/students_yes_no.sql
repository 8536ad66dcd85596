{#- SIS flags arrive as `Y`/`N` text; anything else (empty, unknown) becomes NULL. -#}
{% macro students_yes_no_to_boolean(column) -%}
    (case upper(trim({{ column }})) when 'Y' then true when 'N' then false end)
{%- endmacro %}
