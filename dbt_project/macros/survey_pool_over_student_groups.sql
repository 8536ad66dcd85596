{#- Pools the rows of `rows_cte` (one per respondent, with student_id, school_year, the `keys`
    and the `sums`) into one row per `keys` and student group: `respondents` (rows) and the
    sum of each of `sums`. The result is what joining every row to each of its student's groups
    in the bridge `groups_cte` (a row whose student the bridge does not know that year once, in
    ALL) and then aggregating gives, without that fan-out, which at district scale is tens of
    millions of rows: a student's groups in a year are one
    *group set*, an integer with one bit per student group code; rows are first pooled per key
    and group set (a few hundred sets), and only those pooled rows are fanned out to the
    set's groups. ALL is in every set; a row whose student the bridge does not know that year
    (an anonymous response) has the empty set 0, whose only group is ALL. Relies on the
    bridge's one row per student, year and group, and on fewer than 53 group codes (a bigint
    built from a double power of two stays exact). Emits CTEs `<name>_group_codes`,
    `<name>_group_sets`, `<name>_by_group_set`, `<name>_group_set_members` and `<name>`, to
    be placed in a model's WITH list. -#}
{% macro survey_pool_over_student_groups(name, rows_cte, groups_cte, keys, sums) -%}
{{ name }}_group_codes as (

    select
        codes.student_group,
        cast(power(2, dense_rank() over (order by codes.student_group) - 1) as bigint) as bit
    from (select distinct {{ groups_cte }}.student_group from {{ groups_cte }}) as codes

),

{{ name }}_group_sets as (

    select
        {{ groups_cte }}.student_id,
        {{ groups_cte }}.school_year,
        sum({{ name }}_group_codes.bit) as group_set
    from {{ groups_cte }}
    inner join {{ name }}_group_codes
        on {{ groups_cte }}.student_group = {{ name }}_group_codes.student_group
    group by {{ groups_cte }}.student_id, {{ groups_cte }}.school_year

),

{{ name }}_by_group_set as (

    select
        {%- for key in keys %}
        {{ rows_cte }}.{{ key }},
        {%- endfor %}
        coalesce({{ name }}_group_sets.group_set, 0) as group_set,
        count(*) as respondents,
        {%- for column in sums %}
        sum({{ rows_cte }}.{{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ rows_cte }}
    left join {{ name }}_group_sets
        on {{ rows_cte }}.student_id = {{ name }}_group_sets.student_id
        and {{ rows_cte }}.school_year = {{ name }}_group_sets.school_year
    group by
        {%- for key in keys %}
        {{ rows_cte }}.{{ key }},
        {%- endfor %}
        coalesce({{ name }}_group_sets.group_set, 0)

),

{{ name }}_group_set_members as (

    select
        sets.group_set,
        {{ name }}_group_codes.student_group
    from (select distinct {{ name }}_by_group_set.group_set from {{ name }}_by_group_set) as sets
    inner join {{ name }}_group_codes
        on floor(sets.group_set / {{ name }}_group_codes.bit) % 2 = 1
    union
    select distinct
        {{ name }}_by_group_set.group_set,
        'ALL' as student_group
    from {{ name }}_by_group_set

),

{{ name }} as (

    select
        {%- for key in keys %}
        {{ name }}_by_group_set.{{ key }},
        {%- endfor %}
        {{ name }}_group_set_members.student_group,
        cast(sum({{ name }}_by_group_set.respondents) as bigint) as respondents,
        {%- for column in sums %}
        sum({{ name }}_by_group_set.{{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ name }}_by_group_set
    inner join {{ name }}_group_set_members
        on {{ name }}_by_group_set.group_set = {{ name }}_group_set_members.group_set
    group by
        {%- for key in keys %}
        {{ name }}_by_group_set.{{ key }},
        {%- endfor %}
        {{ name }}_group_set_members.student_group

)
{%- endmacro %}
