with

source as (

    select * from {{ source('hr', 'application_events') }}

),

renamed as (

    select
        cast(application_id as {{ dbt.type_string() }}) as application_id,
        lower(trim(stage)) as stage,
        cast(event_date as date) as event_date,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
