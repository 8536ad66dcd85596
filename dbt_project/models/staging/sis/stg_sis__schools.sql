with source as (

    select * from {{ source('sis', 'sis__schools') }}

),

renamed as (

    select
        trim(source.school_code) as school_code,
        trim(source.school_name) as school_name,
        upper(trim(source.school_level)) as school_level,
        upper(trim(source.low_grade)) as low_grade_level,
        upper(trim(source.high_grade)) as high_grade_level,
        source.street as street_address,
        source.city,
        upper(trim(source.state)) as state_code,
        trim(source.zip) as zip_code,
        source.phone as phone_number,
        source.opened_date,
        {{ students_yes_no_to_boolean('source.is_active') }} as is_active,
        source._loaded_at as loaded_at
    from source

)

select * from renamed
