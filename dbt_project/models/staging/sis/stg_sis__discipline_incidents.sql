{#- `school_year` is derived from the incident date (1 July to 30 June). -#}
with source as (

    select * from {{ source('sis', 'sis__discipline_incidents') }}

),

renamed as (

    select
        trim(source.incident_id) as incident_id,
        trim(source.student_id) as student_id,
        trim(source.school_code) as school_code,
        {{ school_year_of('source.incident_date') }} as school_year,
        source.incident_date,
        trim(source.offense_code) as offense_code,
        upper(trim(source.action_code)) as action_code,
        cast(source.action_days as {{ type_double() }}) as action_days
    from source

)

select * from renamed
