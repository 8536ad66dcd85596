with

source as (

    select * from {{ source('tutoring', 'acceleration_days') }}

),

renamed as (

    select
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(student_id as {{ dbt.type_string() }}) as student_id,
        nullif(trim(school_code), '') as school_code,
        cast(event_date as date) as event_date,
        hours_attended,
        updated_at,
        _loaded_at

    from source

)

select * from renamed
