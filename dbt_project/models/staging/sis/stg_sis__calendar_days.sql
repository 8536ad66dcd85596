with source as (

    select * from {{ source('sis', 'sis__calendar_days') }}

),

renamed as (

    select
        trim(source.school_code) as school_code,
        trim(source.school_year) as school_year,
        source.calendar_date,
        upper(trim(source.day_type)) as day_type,
        upper(trim(source.day_type)) = 'INSTR' as is_instructional_day
    from source

)

select * from renamed
