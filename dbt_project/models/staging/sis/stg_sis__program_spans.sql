with source as (

    select * from {{ source('sis', 'sis__program_spans') }}

),

renamed as (

    select
        trim(source.student_id) as student_id,
        upper(trim(source.program_code)) as program_code,
        source.start_date,
        source.end_date
    from source

)

select * from renamed
