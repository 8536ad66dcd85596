with

source as (

    select * from {{ source('hr', 'assignments') }}

),

renamed as (

    select
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(staff_id as {{ dbt.type_string() }}) as staff_id,
        cast(position_id as {{ dbt.type_string() }}) as position_id,
        nullif(trim(school_code), '') as school_code,
        upper(trim(job_category)) as job_category,
        trim(job_title) as job_title,
        fte,
        annual_salary,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        last_modified_at,
        _loaded_at

    from source

)

select * from renamed
