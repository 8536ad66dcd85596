with source as (

    select * from {{ source('sis', 'sis__enrollments') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        trim(source.school_code) as school_code,
        trim(source.school_year) as school_year,
        upper(trim(source.grade_level)) as grade_level,
        source.entry_date,
        source.exit_date,
        nullif(upper(trim(source.entry_code)), '') as entry_code,
        nullif(upper(trim(source.exit_code)), '') as exit_code,
        source._drop_date as drop_date
    from source

)

select * from renamed
