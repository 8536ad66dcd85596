with source as (

    select * from {{ source('sis', 'sis__assessments') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        trim(source.school_year) as school_year,
        source.test_date,
        upper(trim(source.subject)) as subject,
        trim(source.grade_tested) as grade_tested,
        cast(source.scale_score as integer) as scale_score,
        cast(source.performance_level as integer) as performance_level
    from source

)

select * from renamed
