{#- The optional sources the district declares absent, named as measure_catalog.optional_source
    names them (tutoring, survey, hr, discipline, registrations, assessments, course_grades;
    planning, the school targets, is accepted and names no measure).

    Var `absent_sources` (a list, or one comma-separated string), which the Dagster dbt step
    passes from DISTRICT_ABSENT_SOURCES (orchestration/dbt/refresh_years.py, dbt_build_vars).
    An unknown name stops the build. -#}
{% macro scorecard_absent_sources() -%}
    {%- set known = ['tutoring', 'survey', 'hr', 'planning', 'discipline', 'registrations', 'assessments', 'course_grades'] -%}
    {%- set requested = var('absent_sources', none) -%}
    {%- if requested is none or requested == '' or requested == [] -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = requested.split(',') if requested is string else requested -%}
    {%- set absent = [] -%}
    {%- for name in names | map('string') | map('trim') | map('lower') | reject('equalto', '') -%}
        {%- if name not in known -%}
            {{ exceptions.raise_compiler_error(
                "absent_sources: '" ~ name ~ "' is not an optional source (" ~ known | join(', ') ~ ")"
            ) }}
        {%- endif -%}
        {%- if name not in absent -%}{%- do absent.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(absent | sort) }}
{%- endmacro %}

{#- A SQL predicate: true when `source_column` (a measure's optional_source) is declared absent. -#}
{% macro scorecard_is_source_absent(source_column) -%}
    {%- set absent = scorecard_absent_sources() -%}
    {%- if absent | length == 0 -%}
        false
    {%- else -%}
        coalesce({{ source_column }} in ({% for name in absent %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %}), false)
    {%- endif -%}
{%- endmacro %}
