with source as (

    select * from {{ source('sis', 'sis__registrations') }}

),

renamed as (

    select
        trim(source.registration_id) as registration_id,
        trim(source.student_id) as student_id,
        trim(source.school_code) as school_code,
        trim(source.school_year) as school_year,
        source.registration_date,
        source.placement_date,
        source.first_attendance_date
    from source

)

select * from renamed
