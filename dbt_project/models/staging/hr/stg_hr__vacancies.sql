with

source as (

    select * from {{ source('hr', 'vacancies') }}

),

renamed as (

    select
        cast(vacancy_id as {{ dbt.type_string() }}) as vacancy_id,
        cast(position_id as {{ dbt.type_string() }}) as position_id,
        nullif(trim(school_code), '') as school_code,
        upper(trim(job_category)) as job_category,
        cast(posted_date as date) as posted_date,
        cast(filled_date as date) as filled_date,
        cast(closed_date as date) as closed_date,
        upper(trim(status)) as vacancy_status,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
