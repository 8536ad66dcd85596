with

source as (

    select * from {{ source('survey', 'responses') }}

),

renamed as (

    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        trim(item_id) as item_id,
        nullif(trim(student_id), '') as student_id,
        trim(school_code) as school_code,
        upper(trim(grade_level)) as grade_level,
        school_year,
        lower(trim(season)) as season,
        started_at,
        submitted_at,
        {{ tutoring_local_date('coalesce(submitted_at, started_at)') }} as response_date,
        cast(response_value as integer) as response_value,
        _loaded_at

    from source

)

select * from renamed
