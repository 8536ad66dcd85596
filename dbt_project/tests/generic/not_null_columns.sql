{#- Fails with every row where one of the given columns is NULL: the `not_null` tests of a
    model's columns as one test, so a model's required columns cost one query and one dbt node
    rather than one per column (each node costs a fixed ~0.05-0.1 s, which at several hundred
    tests was a large share of a current-year run). The failing rows show which column is
    NULL. -#}
{% test not_null_columns(model, columns) %}

select *
from {{ model }}
where
    {% for column in columns -%}
        {{ column }} is null{% if not loop.last %} or {% endif %}
    {% endfor %}

{% endtest %}
