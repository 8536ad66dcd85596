{#- The large per-student-year models are incremental by school year (delete+insert keyed by
    `school_year`): a row of one school year depends only on source rows of that year, so a run
    may recompute some years and leave the others as they are.

    Var `refresh_school_years` says which years an incremental run recomputes:
    - unset / null / empty: every year (what a plain `dbt build` does);
    - a list of `YYYY-YY` years, e.g. `--vars '{refresh_school_years: [2024-25]}'` (what the
      Dagster dbt step passes for the school-year partitions it runs,
      orchestration/dbt/refresh_years.py);
    - `current` (alone or in the list): the school year of the as-of date (macro
      students_as_of_date: var `as_of_date`, else the day before the newest SIS drop), the year a
      nightly drop carries (for a run from a shell).
    The first build and `--full-refresh` ignore the var and build every year. -#}

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

{#- The school year of the as-of date, from the SIS enrolments' drop dates, as a `YYYY-YY`
    string. Asked of the warehouse once per run, when the first node that needs it runs, and
    kept in dbt's graph object (one dict shared by every node of an invocation), so that each
    model and test filters on a literal: a literal is pushed down into table scans, where a
    scalar subquery would be evaluated and joined in every query. Rendered only while nodes run,
    never at parse time, so the staging view is named through the graph rather than ref(): a
    ref seen only at run time would be an undeclared dependency. Every incremental model already
    depends on stg_sis__enrollments (directly or through the enrolment stints), so the view
    exists when this runs. -#}
{% macro incremental_current_school_year() -%}
    {%- set cache_key = 'district_incremental_current_school_year' -%}
    {%- if graph.get(cache_key) is none -%}
        {%- set enrollments = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('package_name', 'equalto', project_name)
            | selectattr('name', 'equalto', 'stg_sis__enrollments')
            | first -%}
        {%- set query -%}
            select {{ school_year_of(students_as_of_date('as_of_enrollments.drop_date')) }}
            from {{ enrollments.relation_name }} as as_of_enrollments
        {%- endset -%}
        {%- set year = run_query(query).columns[0].values()[0] | string -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', year) -%}
            {{ exceptions.raise_compiler_error("current school year not found: '" ~ year ~ "'") }}
        {%- endif -%}
        {%- do graph.update({cache_key: year}) -%}
    {%- endif -%}
    {{ return(graph.get(cache_key)) }}
{%- endmacro %}

{#- The years being recomputed as `YYYY-YY` strings, `current` resolved (run time only). -#}
{% macro incremental_refreshed_school_years(years) -%}
    {%- set resolved = [] -%}
    {%- for year in years -%}
        {%- set literal = incremental_current_school_year() if year == 'current' else year -%}
        {%- if literal not in resolved -%}{%- do resolved.append(literal) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(resolved) }}
{%- endmacro %}

{#- A SQL list of quoted school years: ('2024-25', '2025-26'). -#}
{% macro incremental_school_year_list(years) -%}
    ({% for year in years %}'{{ year }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The predicate "`school_year_column` is one of the refreshed years", whatever the node:
    `years` are those incremental_refresh_school_years() returns (not empty). -#}
{% macro incremental_school_years_predicate(school_year_column, years) -%}
    {{ school_year_column }} in {{ incremental_school_year_list(incremental_refreshed_school_years(years)) }}
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
        ({{ incremental_school_years_predicate(school_year_column, years) }})
    {%- endif -%}
{%- endmacro %}

{#- The same filter on a date or timestamp column whose school year the model derives (1 July
    to 30 June): true for every row on a full build, else true for dates in the recomputed
    years. A plain range on a source column is pushed down into the table scan, which a filter
    on the derived year is not. `margin_days` widens each range on both sides, for timestamps
    whose local date decides the year (the model then filters on the derived year too). -#}
{% macro incremental_school_year_dates_filter(date_column, data_type='date', margin_days=0) -%}
    {%- set years = incremental_refresh_school_years() -%}
    {%- if not is_incremental() or years | length == 0 -%}
        true
    {%- else -%}
        (
        {%- for year in incremental_refreshed_school_years(years) %}
            {%- set first = modules.datetime.date(year[:4] | int, 7, 1)
                - modules.datetime.timedelta(days=margin_days) -%}
            {%- set last = modules.datetime.date(year[:4] | int + 1, 6, 30)
                + modules.datetime.timedelta(days=margin_days) %}
            {{ 'or ' if not loop.first }}({{ date_column }} >= cast('{{ first }}' as {{ data_type }})
                and {{ date_column }} < cast('{{ last + modules.datetime.timedelta(days=1) }}' as {{ data_type }}))
        {%- endfor %}
        )
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
        {%- set with_prior = [] -%}
        {%- for year in incremental_refreshed_school_years(years) -%}
            {%- for wanted in [incremental_previous_school_year_literal(year), year] -%}
                {%- if wanted not in with_prior -%}{%- do with_prior.append(wanted) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        ({{ school_year_column }} in {{ incremental_school_year_list(with_prior) }})
    {%- endif -%}
{%- endmacro %}

{#- For a model that compares each year with the one before: the rows of `computed_cte` (the
    model's own rows computed this run, with `columns`) and, on an incremental run, the rows of
    the model's own table for the year before each recomputed year that is not itself being
    recomputed. Reading last year's published values from the model's table spares computing
    a second year of inputs; a year before that is recomputed in the same run (a backfill of
    consecutive years) is taken from this run's rows, so the result is what a full build gives.
    `columns` must be columns the model's table has under the same names. -#}
{% macro incremental_with_prior_year_rows(computed_cte, columns, where='true') -%}
    select {{ columns | join(', ') }} from {{ computed_cte }}
    {%- if is_incremental() and incremental_refresh_school_years() | length > 0 %}
    union all
    select {{ columns | join(', ') }} from {{ this }}
    where
        {{ incremental_school_year_with_prior_filter('school_year') }}
        and not {{ incremental_school_year_filter('school_year') }}
        and {{ where }}
    {%- endif %}
{%- endmacro %}

{#- The rows' order when an incremental-by-year model is built whole, appended after its final
    select. On DuckDB the full build writes the table in school-year order, so each year sits in
    its own row groups: a current-year run then finds the year by the row groups' min/max
    (zone maps) when it filters and deletes, instead of reading every row group of five years
    (the first nightly after a full refresh took twice as long as the next). Incremental runs
    append one year, which is contiguous already. Other warehouses need nothing: Spark
    partitions by school year, PostgreSQL has no zone maps to gain from it. -#}
{% macro incremental_build_order() -%}
    {{ return(adapter.dispatch('incremental_build_order', 'district')()) }}
{%- endmacro %}

{% macro default__incremental_build_order() -%}
{%- endmacro %}

{% macro duckdb__incremental_build_order() -%}
    {%- if not is_incremental() %}order by school_year{% endif -%}
{%- endmacro %}
