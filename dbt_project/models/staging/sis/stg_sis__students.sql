with source as (

    select * from {{ source('sis', 'sis__students') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        trim(source.state_student_id) as state_student_id,
        source.last_name,
        source.first_name,
        nullif(source.middle_name, '') as middle_name,
        source.birth_date,
        upper(trim(source.gender)) as gender,
        {{ students_yes_no_to_boolean('source.is_hispanic_latino') }} as is_hispanic_latino,
        nullif(upper(replace(source.race_codes, ' ', '')), '') as race_codes,
        nullif(lower(trim(source.home_language)), '') as home_language,
        nullif(trim(source.address_zip), '') as address_zip,
        source._loaded_at as loaded_at
    from source

)

select * from renamed
