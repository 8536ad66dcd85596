with

source as (

    select * from {{ source('hr', 'applications') }}

),

renamed as (

    select
        cast(application_id as {{ dbt.type_string() }}) as application_id,
        cast(applicant_id as {{ dbt.type_string() }}) as applicant_id,
        cast(vacancy_id as {{ dbt.type_string() }}) as vacancy_id,
        cast(applied_date as date) as applied_date,
        (is_hispanic_latino = 1) as is_hispanic_latino,
        upper(replace(race_codes, ' ', '')) as race_codes,
        {{ workforce_race_ethnicity('(is_hispanic_latino = 1)', 'race_codes', 'DS') }}
            as race_ethnicity_code,
        upper(trim(gender)) as gender,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
