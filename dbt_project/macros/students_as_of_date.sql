{#- The last day the current school year is counted through. Enrolments without an exit date
    run to the end of their school year or to this day, whichever is earlier, so the current year
    never counts days whose attendance is not yet known. The var `as_of_date` (YYYY-MM-DD) fixes
    it (to rerun a past night exactly); otherwise it is the day before the newest SIS drop (a
    nightly drop carries attendance through the previous day), and the day before today when
    no drop date is known. `drop_date_column` must be an aggregate-ready column of the model's
    enrolment rows; the macro returns an aggregate expression. -#}
{% macro students_as_of_date(drop_date_column) -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of -%}
        max(cast('{{ as_of }}' as date))
    {%- else -%}
        coalesce(
            cast({{ dbt.dateadd('day', -1, 'max(' ~ drop_date_column ~ ')') }} as date),
            cast({{ dbt.dateadd('day', -1, 'current_date') }} as date)
        )
    {%- endif -%}
{%- endmacro %}
