with

source as (

    select * from {{ source('hr', 'staff') }}

),

renamed as (

    select
        cast(staff_id as {{ dbt.type_string() }}) as staff_id,
        last_name,
        first_name,
        cast(birth_date as date) as birth_date,
        upper(trim(gender)) as gender,
        (is_hispanic_latino = 1) as is_hispanic_latino,
        upper(replace(race_codes, ' ', '')) as race_codes,
        {{ workforce_race_ethnicity('(is_hispanic_latino = 1)', 'race_codes') }}
            as race_ethnicity_code,
        cast(original_hire_date as date) as original_hire_date,
        cast(separation_date as date) as separation_date,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
