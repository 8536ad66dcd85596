{#- Share of the planned change (target - baseline) a trajectory expects after `years_elapsed`
    of `years_planned` school years (f = years_elapsed / years_planned, 0 at the baseline year,
    1 at the target year):
      linear      f
      aggressive  1 - (1 - f)^2          front-loaded: most of the gain early
      delayed     f^2                    back-loaded: most of the gain late
      step-up     0    while f < 1/3     flat, then one jump to half, then the rest at the target
                  1/2  while 1/3 <= f < 1
                  1    at f = 1
    Step-up compares integers (3 * elapsed < planned) so f = 1/3 is never lost to rounding.
    A plan whose target year is its baseline year (years_planned <= 0) expects the whole change.
    An unknown trajectory name gives NULL. f is divided as doubles (on Spark `x * 1.0 / y` is a
    DECIMAL division that keeps six decimal places). -#}
{% macro scorecard_trajectory_share(trajectory, years_elapsed, years_planned) -%}
    case
        when {{ years_planned }} <= 0 then 1.0
        when {{ trajectory }} = 'linear'
            then cast({{ years_elapsed }} as {{ type_double() }}) / {{ years_planned }}
        when {{ trajectory }} = 'aggressive'
            then 1.0 - (1.0 - cast({{ years_elapsed }} as {{ type_double() }}) / {{ years_planned }})
                * (1.0 - cast({{ years_elapsed }} as {{ type_double() }}) / {{ years_planned }})
        when {{ trajectory }} = 'delayed'
            then (cast({{ years_elapsed }} as {{ type_double() }}) / {{ years_planned }})
                * (cast({{ years_elapsed }} as {{ type_double() }}) / {{ years_planned }})
        when {{ trajectory }} = 'step-up'
            then case
                when 3 * {{ years_elapsed }} < {{ years_planned }} then 0.0
                when {{ years_elapsed }} < {{ years_planned }} then 0.5
                else 1.0
            end
    end
{%- endmacro %}
