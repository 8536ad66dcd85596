with source as (

    select * from {{ source('planning', 'planning__school_targets') }}

),

renamed as (

    select
        trim(source.school_code) as school_code,
        upper(trim(source.goal_code)) as goal_code,
        upper(trim(source.student_group)) as student_group,
        trim(source.baseline_school_year) as baseline_school_year,
        cast(source.baseline_value as {{ type_double() }}) as baseline_value,
        trim(source.target_school_year) as target_school_year,
        cast(source.target_value as {{ type_double() }}) as target_value,
        lower(trim(source.trajectory)) as trajectory
    from source

)

select * from renamed
