with

source as (

    select * from {{ source('tutoring', 'sessions') }}

),

renamed as (

    select
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(student_id as {{ dbt.type_string() }}) as student_id,
        nullif(trim(school_code), '') as school_code,
        trim(service_type) as service_type,
        upper(trim(subject)) as subject,
        started_at,
        {{ tutoring_local_date('started_at') }} as session_date,
        cast(duration_minutes as integer) as duration_minutes,
        tutor_id,
        lower(trim(status)) as session_status,
        updated_at,
        _loaded_at

    from source

)

select * from renamed
