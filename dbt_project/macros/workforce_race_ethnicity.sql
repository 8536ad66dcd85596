{#- The federal race/ethnicity rule used for students, applied to staff and applicants so the
    two sides of the staffing diversity comparison are coded alike:
    Hispanic/Latino ethnicity wins; otherwise two or more distinct races give `MR`; otherwise the
    single race. Filipino (`FI`) is reported with Asian (`AS`), so `AS;FI` is one race.
    `race_codes_expr` is the `;`-separated list of the source; `is_hispanic_expr` a boolean.
    A person with no race and no Hispanic ethnicity gets `unknown_code` (`DS`, declined to state,
    by default), which the diversity marts leave out of race shares. -#}
{% macro workforce_race_ethnicity(is_hispanic_expr, race_codes_expr, unknown_code='DS') -%}
    {%- set padded -%}
        {{ dbt.concat([
            "';'",
            "replace(upper(coalesce(" ~ race_codes_expr ~ ", '')), ' ', '')",
            "';'",
        ]) }}
    {%- endset -%}
    {%- set race_flags = [
        "(" ~ padded ~ " like '%;AI;%')",
        "(" ~ padded ~ " like '%;AS;%' or " ~ padded ~ " like '%;FI;%')",
        "(" ~ padded ~ " like '%;BL;%')",
        "(" ~ padded ~ " like '%;PI;%')",
        "(" ~ padded ~ " like '%;WH;%')",
    ] -%}
    (case
        when {{ is_hispanic_expr }} then 'HI'
        when (
            {%- for flag in race_flags %}
            case when {{ flag }} then 1 else 0 end{% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) >= 2 then 'MR'
        when {{ race_flags[0] }} then 'AI'
        when {{ race_flags[1] }} then 'AS'
        when {{ race_flags[2] }} then 'BL'
        when {{ race_flags[3] }} then 'PI'
        when {{ race_flags[4] }} then 'WH'
        else '{{ unknown_code }}'
    end)
{%- endmacro %}
