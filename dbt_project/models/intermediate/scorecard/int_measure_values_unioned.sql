{#- Every measure mart stacked into one long table. The list of marts lives in the macro
    scorecard_measure_marts(); each mart follows the measure contract, so the union only
    restates the contract columns with their contract types and notes which mart a row came from.
    Incremental by school year (macros/incremental_school_years.sql). -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

{%- set measure_marts = scorecard_measure_marts() %}

with

{% if measure_marts | length > 0 -%}
    unioned as (

        {% for mart in measure_marts %}
            select
                cast(school_year as {{ dbt.type_string() }}) as school_year,
                cast(school_code as {{ dbt.type_string() }}) as school_code,
                cast(student_group as {{ dbt.type_string() }}) as student_group,
                cast(measure_code as {{ dbt.type_string() }}) as measure_code,
                cast(numerator as {{ type_double() }}) as numerator,
                cast(denominator as {{ dbt.type_bigint() }}) as denominator,
                cast(value as {{ type_double() }}) as value,
                '{{ mart }}' as source_model
            from {{ ref(mart) }}
            where {{ incremental_school_year_filter('school_year') }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),
{%- else -%}
unioned as (

    select
        cast(null as {{ dbt.type_string() }}) as school_year,
        cast(null as {{ dbt.type_string() }}) as school_code,
        cast(null as {{ dbt.type_string() }}) as student_group,
        cast(null as {{ dbt.type_string() }}) as measure_code,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ dbt.type_bigint() }}) as denominator,
        cast(null as {{ type_double() }}) as value,
        cast(null as {{ dbt.type_string() }}) as source_model
    where 1 = 0

),
{%- endif %}

final as (

    select
        unioned.school_year,
        {{ school_year_start('unioned.school_year') }} as school_year_start,
        unioned.school_code,
        unioned.student_group,
        unioned.measure_code,
        unioned.numerator,
        unioned.denominator,
        unioned.value,
        unioned.source_model
    from unioned

)

select * from final
{{ incremental_build_order() }}
