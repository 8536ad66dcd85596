with source as (

    select * from {{ source('sis', 'sis__course_grades') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        trim(source.school_code) as school_code,
        trim(source.school_year) as school_year,
        upper(trim(source.term)) as term,
        trim(source.course_id) as course_id,
        source.course_title,
        upper(trim(source.subject_area)) as subject_area,
        {{ students_yes_no_to_boolean('source.is_core') }} as is_core,
        nullif(lower(trim(source.ag_area)), '') as ag_area,
        cast(source.credits_attempted as {{ type_double() }}) as credits_attempted,
        cast(source.credits_earned as {{ type_double() }}) as credits_earned,
        upper(trim(source.mark)) as mark
    from source

)

select * from renamed
