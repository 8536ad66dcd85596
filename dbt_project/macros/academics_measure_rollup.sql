{#- Rolls student-level measure rows up to the measure contract's long form (README, "The
    measure contract"): one row per school year, school, student group and measure, plus the
    DISTRICT row computed from the same students (not an average of schools).

    `student_rows` names a relation or CTE with one row per student, school year, student
    group and measure, with columns school_year, school_code, student_group, measure_code,
    student_id and `score`:
      - statistic 'percent': score is 1 when the student meets the rule, else 0;
        numerator = students meeting it, value = 100 x numerator / denominator.
      - statistic 'mean': score is the student's value (e.g. distance from standard);
        numerator is NULL, value = mean score.
    Rows without a school (a student not enrolled anywhere that year) count in the DISTRICT
    row only. -#}
{% macro academics_measure_rollup(student_rows, statistic) -%}
    {%- if statistic not in ('percent', 'mean') -%}
        {{ exceptions.raise_compiler_error("academics_measure_rollup: statistic must be 'percent' or 'mean', got " ~ statistic) }}
    {%- endif -%}
    {%- set numerator -%}
        {%- if statistic == 'percent' -%}
            cast(sum({{ student_rows }}.score) as {{ type_double() }})
        {%- else -%}
            cast(null as {{ type_double() }})
        {%- endif -%}
    {%- endset -%}
    {%- set value -%}
        {%- if statistic == 'percent' -%}
            cast(100.0 * sum({{ student_rows }}.score) / count(*) as {{ type_double() }})
        {%- else -%}
            cast(avg(1.0 * {{ student_rows }}.score) as {{ type_double() }})
        {%- endif -%}
    {%- endset -%}

    select
        {{ student_rows }}.school_year as school_year,
        {{ student_rows }}.school_code as school_code,
        {{ student_rows }}.student_group as student_group,
        {{ student_rows }}.measure_code as measure_code,
        {{ numerator }} as numerator,
        count(*) as denominator,
        {{ value }} as value
    from {{ student_rows }}
    where {{ student_rows }}.school_code is not null
    group by
        {{ student_rows }}.school_year,
        {{ student_rows }}.school_code,
        {{ student_rows }}.student_group,
        {{ student_rows }}.measure_code

    union all

    select
        {{ student_rows }}.school_year as school_year,
        'DISTRICT' as school_code,
        {{ student_rows }}.student_group as student_group,
        {{ student_rows }}.measure_code as measure_code,
        {{ numerator }} as numerator,
        count(*) as denominator,
        {{ value }} as value
    from {{ student_rows }}
    group by
        {{ student_rows }}.school_year,
        {{ student_rows }}.student_group,
        {{ student_rows }}.measure_code
{%- endmacro %}
