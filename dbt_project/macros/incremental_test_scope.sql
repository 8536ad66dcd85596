{#- Data tests of a run that recomputes chosen school years (var `refresh_school_years`, no
    `--full-refresh`) validate only those years of the incremental-by-school-year models: the
    other years were validated when they were built and are not written by this run. Every
    generic test reads its model through dbt's get_where_subquery (unique, not_null,
    accepted_values, relationships' child side, unique_combination_of_columns…), so this
    override adds the years to the test's own `where` config. Tests of tables rebuilt whole, and
    every test of a full build or a full refresh, see every row as before. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set years = incremental_refresh_school_years() -%}
    {%- if execute and years | length > 0 and not flags.FULL_REFRESH
        and incremental_is_by_school_year(relation) -%}
        {%- set scope = incremental_school_years_predicate('school_year', years) -%}
        {%- set where = '(' ~ where ~ ') and ' ~ scope if where else scope -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- True when `relation` is a model of this project materialized incremental by school year
    (the config incremental_by_school_year() gives, on any warehouse). Only the nodes the test
    depends on are looked at, so each test compiles in constant time. -#}
{% macro incremental_is_by_school_year(relation) -%}
    {%- for unique_id in model.depends_on.nodes if unique_id in graph.nodes -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- if node.resource_type == 'model'
            and node.package_name == project_name
            and node.config.materialized == 'incremental'
            and (node.alias or node.name) | lower == (relation.identifier or '') | lower
            and node.schema | lower == (relation.schema or '') | lower
            and (node.config.unique_key == 'school_year'
                or node.config.partition_by in (['school_year'], 'school_year')) -%}
            {{- return(true) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(false) -}}
{%- endmacro %}
