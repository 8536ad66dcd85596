{#- Grade levels arrive as `TK`, `KN`, `01` … `12`. A number lets models compare and band
    grades: TK = -1, KN = 0, otherwise the grade. -#}
{% macro students_grade_number(grade_column) -%}
    (case
        when {{ grade_column }} = 'TK' then -1
        when {{ grade_column }} = 'KN' then 0
        else cast({{ grade_column }} as integer)
    end)
{%- endmacro %}

{#- The LAUSD goal grade bands: K-5 (TK included), 6-8, 9-12. -#}
{% macro students_grade_band(grade_column) -%}
    (case
        when {{ students_grade_number(grade_column) }} <= 5 then 'K5'
        when {{ students_grade_number(grade_column) }} <= 8 then '6_8'
        else '9_12'
    end)
{%- endmacro %}
