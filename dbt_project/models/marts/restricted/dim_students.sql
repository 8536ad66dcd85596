{#- One row per student: identifying columns and the reporting race/ethnicity.
    Race/ethnicity follows the federal rule (Hispanic/Latino wins; else two or more races is MR;
    else the one race), with Filipino counted as Asian. California also reports Filipino apart
    from Asian: `race_ethnicity_code_state` applies the same rule over the six SIS races
    (FI its own race), and `is_filipino` marks its FI category. -#}
with students as (

    select * from {{ ref('stg_sis__students') }}

),

race_flags as (

    select
        students.*,
        {% for race in ['AI', 'AS', 'BL', 'PI', 'WH', 'FI'] -%}
            coalesce({{ dbt.concat(["';'", "students.race_codes", "';'"]) }} like '%;{{ race }};%', false)
                as reports_{{ race | lower }},
        {% endfor -%}
        coalesce(students.is_hispanic_latino, false) as is_hispanic
    from students

),

race_counts as (

    select
        race_flags.*,
        {# Federal: Filipino is Asian, so AS and FI together are one race. #}
        (case when race_flags.reports_ai then 1 else 0 end)
        + (case when race_flags.reports_as or race_flags.reports_fi then 1 else 0 end)
        + (case when race_flags.reports_bl then 1 else 0 end)
        + (case when race_flags.reports_pi then 1 else 0 end)
        + (case when race_flags.reports_wh then 1 else 0 end) as federal_race_count,
        (case when race_flags.reports_ai then 1 else 0 end)
        + (case when race_flags.reports_as then 1 else 0 end)
        + (case when race_flags.reports_bl then 1 else 0 end)
        + (case when race_flags.reports_pi then 1 else 0 end)
        + (case when race_flags.reports_wh then 1 else 0 end)
        + (case when race_flags.reports_fi then 1 else 0 end) as state_race_count
    from race_flags

),

coded as (

    select
        race_counts.*,
        case
            when race_counts.is_hispanic then 'HI'
            when race_counts.federal_race_count >= 2 then 'MR'
            when race_counts.reports_ai then 'AI'
            when race_counts.reports_as or race_counts.reports_fi then 'AS'
            when race_counts.reports_bl then 'BL'
            when race_counts.reports_pi then 'PI'
            when race_counts.reports_wh then 'WH'
        end as race_ethnicity_code,
        case
            when race_counts.is_hispanic then 'HI'
            when race_counts.state_race_count >= 2 then 'MR'
            when race_counts.reports_ai then 'AI'
            when race_counts.reports_as then 'AS'
            when race_counts.reports_bl then 'BL'
            when race_counts.reports_pi then 'PI'
            when race_counts.reports_wh then 'WH'
            when race_counts.reports_fi then 'FI'
        end as race_ethnicity_code_state
    from race_counts

),

final as (

    select
        coded.student_id,
        coded.state_student_id,
        coded.last_name,
        coded.first_name,
        coded.middle_name,
        coded.birth_date,
        coded.gender,
        coded.is_hispanic_latino,
        coded.race_codes,
        coded.federal_race_count,
        coded.race_ethnicity_code,
        coded.race_ethnicity_code_state,
        coalesce(coded.race_ethnicity_code_state = 'FI', false) as is_filipino,
        coded.home_language,
        coded.address_zip
    from coded

)

select * from final
