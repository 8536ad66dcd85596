with

source as (

    select * from {{ source('survey', 'items') }}

),

renamed as (

    select
        trim(item_id) as item_id,
        item_text,
        trim(construct) as construct,
        upper(trim(construct_type)) as construct_type,
        {{ students_yes_no_to_boolean('is_reversed') }} as is_reversed,
        cast(scale_min as integer) as scale_min,
        cast(scale_max as integer) as scale_max,
        _loaded_at

    from source

)

select * from renamed
