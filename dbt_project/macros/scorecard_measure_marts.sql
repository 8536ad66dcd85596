{#- The measure marts the scorecard reads, all in the long-form measure contract
    (dbt_project/README.md). Adding a measure mart to the scorecard is one line here. -#}
{% macro scorecard_measure_marts() %}
    {{ return([
        'measure_attendance',
        'measure_discipline',
        'measure_early_warning',
        'measure_family_access',
        'measure_assessment',
        'measure_postsecondary',
        'measure_english_learners',
        'measure_workforce',
        'measure_tutoring',
        'measure_survey',
    ]) }}
{% endmacro %}
