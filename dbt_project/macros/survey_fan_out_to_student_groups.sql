{#- Every row of `rows_cte` once per student group its student is in that school year (the
    bridge `groups_cte`, ALL included); a row whose student the bridge does not know that year
    (an anonymous response, a student not enrolled) appears once, in ALL. Both CTEs need
    student_id and school_year. -#}
{% macro survey_fan_out_to_student_groups(rows_cte, groups_cte) -%}
    select
        {{ rows_cte }}.*,
        {{ groups_cte }}.student_group
    from {{ rows_cte }}
    inner join {{ groups_cte }}
        on {{ rows_cte }}.student_id = {{ groups_cte }}.student_id
        and {{ rows_cte }}.school_year = {{ groups_cte }}.school_year
    union all
    select
        {{ rows_cte }}.*,
        'ALL' as student_group
    from {{ rows_cte }}
    where not exists (
        select 1
        from {{ groups_cte }}
        where {{ groups_cte }}.student_id = {{ rows_cte }}.student_id
            and {{ groups_cte }}.school_year = {{ rows_cte }}.school_year
            and {{ groups_cte }}.student_group = 'ALL'
    )
{%- endmacro %}
