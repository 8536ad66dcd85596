{#- One row per English learner at the start of a school year (see
    int_english_learners_at_year_start: EL span active on the first instructional day of the
    school of first enrolment, else 1 July) with whether the student was reclassified fluent
    English proficient (RFEP) during that year. Reclassified when either
      - an RFEP span starts after the year-start date and on or before 30 June, or
      - the EL span active at the start ends on or before 30 June and an RFEP span starts on
        its end date or the day after (an EL span closed on 30 June with RFEP from 1 July is a
        reclassification of the year that is ending, not of the next one, where the student
        is no longer an English learner at the start).
    The reclassification date is the start of the earliest such RFEP span. An EL span that
    ends without an RFEP span (the student left, or a correction) is not a reclassification.
    Incremental by school year (macros/incremental_school_years.sql). RFEP spans are read whole. -#}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_school_year(),
    )
}}

with english_learners as (

    select * from {{ ref('int_english_learners_at_year_start') }}
    where {{ incremental_school_year_filter('school_year') }}

),

program_spans as (

    select * from {{ ref('stg_sis__program_spans') }}

),

rfep_spans as (

    select
        program_spans.student_id,
        program_spans.start_date
    from program_spans
    where program_spans.program_code = 'RFEP'

),

reclassifications as (

    select
        english_learners.student_id,
        english_learners.school_year,
        min(rfep_spans.start_date) as reclassification_date
    from english_learners
    inner join rfep_spans
        on rfep_spans.student_id = english_learners.student_id
    where
        (
            rfep_spans.start_date > english_learners.year_start_date
            and rfep_spans.start_date <= english_learners.year_end_date
        )
        or (
            english_learners.el_span_end_date <= english_learners.year_end_date
            and rfep_spans.start_date >= english_learners.el_span_end_date
            and rfep_spans.start_date
            <= cast({{ dbt.dateadd('day', 1, 'english_learners.el_span_end_date') }} as date)
        )
    group by
        english_learners.student_id,
        english_learners.school_year

),

final as (

    select
        english_learners.student_id,
        english_learners.school_year,
        english_learners.school_code,
        english_learners.year_start_date,
        english_learners.el_span_start_date,
        english_learners.el_span_end_date,
        reclassifications.reclassification_date,
        reclassifications.reclassification_date is not null as is_reclassified
    from english_learners
    left join reclassifications
        on
            reclassifications.student_id = english_learners.student_id
            and reclassifications.school_year = english_learners.school_year

)

select * from final
{{ incremental_build_order() }}
