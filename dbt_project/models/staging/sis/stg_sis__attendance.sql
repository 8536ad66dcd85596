{#- Attendance exceptions only. `school_year` is derived from the date (1 July to 30 June). -#}
with source as (

    select * from {{ source('sis', 'sis__attendance') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        trim(source.school_code) as school_code,
        {{ school_year_of('source.attendance_date') }} as school_year,
        source.attendance_date,
        upper(trim(source.attendance_code)) as attendance_code,
        cast(source.absent_fraction as {{ type_double() }}) as absent_fraction
    from source

)

select * from renamed
