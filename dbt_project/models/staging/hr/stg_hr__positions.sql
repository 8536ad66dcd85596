with

source as (

    select * from {{ source('hr', 'positions') }}

),

renamed as (

    select
        cast(position_id as {{ dbt.type_string() }}) as position_id,
        nullif(trim(school_code), '') as school_code,
        upper(trim(job_category)) as job_category,
        trim(job_title) as job_title,
        fte,
        (is_active = 1) as is_active,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
