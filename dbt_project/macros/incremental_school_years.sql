{#- The large per-student-year models are incremental by school year (delete+insert keyed by
    `school_year`): a row of one school year depends only on source rows of that year, so a run
    may recompute some years and leave the others as they are.

    Var `refresh_school_years` (else the environment variable DBT_REFRESH_SCHOOL_YEARS, the
    same years comma-separated) says which years an incremental run recomputes:
    - unset / null / empty: every year (what a plain `dbt build` does);
    - a list of `YYYY-YY` years, e.g. `--vars '{refresh_school_years: [2024-25]}'` (a backfill);
    - `current` (alone or in the list): the school year of the as-of date (macro
      students_as_of_date: var `as_of_date`, else the day before the newest SIS drop), the year a
      nightly drop carries.
    The first build and `--full-refresh` ignore the var and build every year.
    The environment variable is read only while nodes run, never while dbt parses: a changed
    `--vars` makes dbt re-parse the whole project (several seconds), an environment variable
    read at run time does not, so the nightly run passes its years that way
    (orchestration/dbt/refresh_years.py). -#}

{#- The config every incremental-by-year model shares, per warehouse:
    `config(materialized='incremental', on_schema_change='fail', **incremental_by_school_year())`.
    DuckDB and PostgreSQL delete the recomputed years' rows and insert the new ones; Spark has no
    delete+insert on plain Parquet tables, so there the table is partitioned by school year and an
    incremental run overwrites the partitions of the recomputed years (dynamic partition
    overwrite). Either way a run replaces exactly the years it recomputes. -#}
{% macro incremental_by_school_year() -%}
    {{ return(adapter.dispatch('incremental_by_school_year', 'district')()) }}
{%- endmacro %}

{% macro default__incremental_by_school_year() -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': 'school_year'}) }}
{%- endmacro %}

{% macro spark__incremental_by_school_year() -%}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['school_year'],
        'file_format': 'parquet',
    }) }}
{%- endmacro %}

{#- The years the var asks for, validated: a list of `YYYY-YY` strings and/or `current`. -#}
{% macro incremental_refresh_school_years() -%}
    {%- set requested = var('refresh_school_years', none) -%}
    {%- if (requested is none or requested == '') and execute -%}
        {%- set requested = env_var('DBT_REFRESH_SCHOOL_YEARS', '') | trim -%}
        {%- if requested -%}
            {%- set requested = requested.split(',') | map('trim') | reject('equalto', '') | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- if requested is none or requested == '' or requested == [] -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set years = [requested] if requested is string else requested -%}
    {%- for year in years -%}
        {%- if year != 'current' and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', year | string) -%}
            {{ exceptions.raise_compiler_error(
                "refresh_school_years: '" ~ year ~ "' is neither a YYYY-YY school year nor 'current'"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(years | map('string') | list) }}
{%- endmacro %}

{#- A scalar subquery: the school year of the as-of date, from the SIS enrolments' drop dates.
    Rendered only while running an incremental model, never at parse time, so the staging view
    is named through the graph rather than ref(): a ref seen only at run time would be an
    undeclared dependency. Every incremental model already depends on stg_sis__enrollments
    (directly or through the enrolment stints), so the view exists when this runs. -#}
{% macro incremental_current_school_year() -%}
    {%- set enrollments = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('package_name', 'equalto', project_name)
        | selectattr('name', 'equalto', 'stg_sis__enrollments')
        | first -%}
    (
        select {{ students_school_year_of(students_as_of_date('as_of_enrollments.drop_date')) }}
        from {{ enrollments.relation_name }} as as_of_enrollments
    )
{%- endmacro %}

{#- The predicate "`school_year_column` is one of the refreshed years", whatever the node:
    `years` are those incremental_refresh_school_years() returns (not empty). -#}
{% macro incremental_school_years_predicate(school_year_column, years) -%}
    {%- set listed = years | reject('equalto', 'current') | list -%}
    (
        {%- if listed %}
        {{ school_year_column }} in ({% for year in listed %}'{{ year }}'{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif %}
        {%- if listed and 'current' in years %}
        or
        {%- endif %}
        {%- if 'current' in years %}
        {{ school_year_column }} = {{ incremental_current_school_year() }}
        {%- endif %}
    )
{%- endmacro %}

{#- A boolean predicate on `school_year_column` for the WHERE clause of an incremental model's
    sources: true for every row on a full build, else true for the years being recomputed.
    An incremental model whose inputs are read with a wider filter (below) writes only these
    years by applying this one to its final rows. -#}
{% macro incremental_school_year_filter(school_year_column) -%}
    {%- set years = incremental_refresh_school_years() -%}
    {%- if not is_incremental() or years | length == 0 -%}
        true
    {%- else -%}
        {{ incremental_school_years_predicate(school_year_column, years) }}
    {%- endif -%}
{%- endmacro %}

{#- The `YYYY-YY` school year before a literal one ('2025-26' -> '2024-25'). -#}
{% macro incremental_previous_school_year_literal(school_year) -%}
    {%- set start = school_year[:4] | int - 1 -%}
    {{ return(start ~ '-' ~ ('%02d' | format((start + 1) % 100))) }}
{%- endmacro %}

{#- Like incremental_school_year_filter, but also true for the school year before each
    recomputed year: for models whose rows compare a year with the one before it (change from
    last year, growth). Such a model reads its inputs with this filter and writes only the
    recomputed years, by applying incremental_school_year_filter to its final rows. -#}
{% macro incremental_school_year_with_prior_filter(school_year_column) -%}
    {%- set years = incremental_refresh_school_years() -%}
    {%- if not is_incremental() or years | length == 0 -%}
        true
    {%- else -%}
        {%- set listed = years | reject('equalto', 'current') | list -%}
        {%- set with_prior = [] -%}
        {%- for year in listed -%}
            {%- for wanted in [incremental_previous_school_year_literal(year), year] -%}
                {%- if wanted not in with_prior -%}{%- do with_prior.append(wanted) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        (
            {%- if with_prior %}
            {{ school_year_column }} in ({% for year in with_prior %}'{{ year }}'{% if not loop.last %}, {% endif %}{% endfor %})
            {%- endif %}
            {%- if with_prior and 'current' in years %}
            or
            {%- endif %}
            {%- if 'current' in years %}
            {{ school_year_column }} = {{ incremental_current_school_year() }}
            or {{ school_year_column }} = {{ workforce_previous_school_year(incremental_current_school_year()) }}
            {%- endif %}
        )
    {%- endif -%}
{%- endmacro %}
