"""Survey: the item dictionary and the wide exports made long."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from ingest_fixture_files import write_text

from ingestion.survey import SurveySourceError, load_survey

DICTIONARY = (
    "item_id,item_text,construct,construct_type,is_reversed,scale_min,scale_max\n"
    'Q01,"I can learn anything, with effort.",Growth Mindset,SEL,N,1,5\n'
    "Q02,I feel safe at school.,Safety,CLIMATE,N,1,4\n"
    "Q03,My intelligence cannot change.,Growth Mindset,SEL,Y,1,5\n"
)
FIXED = "response_id,student_id,school_code,grade_level,started_at,submitted_at"


def write_survey(survey_dir, exports: dict[str, str]) -> None:
    write_text(survey_dir / "item_dictionary.csv", DICTIONARY)
    for name, text in exports.items():
        write_text(survey_dir / name, text)


def test_wide_exports_become_one_row_per_answered_item(con, settings):
    write_survey(
        settings.survey_export_dir,
        {
            "responses__2024-25__spring.csv": f"{FIXED},Q01,Q02,Q03\n"
            "R1,S0000001,1930001,05,2025-04-01T09:00:00Z,2025-04-01T09:10:00Z,4,3,2\n"
            "R2,S0000002,1930001,05,2025-04-01T09:00:00Z,2025-04-01T09:12:00Z,,4,\n",
            # columns in another order; R4 skipped every item and yields no row
            "responses__2025-26__fall.csv": f"{FIXED},Q03,Q01,Q02\n"
            "R3,S0000001,1930001,06,2025-10-01T09:00:00Z,2025-10-01T09:10:00Z,1,5,x\n"
            "R4,S0000003,1930001,06,2025-10-01T09:00:00Z,,,,\n",
        },
    )
    results = load_survey(con, settings)

    assert results["survey__items"].rows_loaded == 3
    assert con.execute(
        "select item_id, item_text, scale_max from raw.survey__items order by item_id"
    ).fetchall() == [
        ("Q01", "I can learn anything, with effort.", 5),
        ("Q02", "I feel safe at school.", 4),
        ("Q03", "My intelligence cannot change.", 5),
    ]

    responses = results["survey__responses"]
    # answered cells: R1 3 + R2 1 + R3 3 + R4 0 = 7 read; R3's Q02 "x" is quarantined
    assert (responses.rows_read, responses.rows_loaded, responses.rows_quarantined) == (7, 6, 1)
    rows = con.execute(
        "select response_id, school_year, season, item_id, response_value, _source_file, "
        "_source_row from raw.survey__responses order by response_id, item_id"
    ).fetchall()
    spring, fall = "survey/responses__2024-25__spring.csv", "survey/responses__2025-26__fall.csv"
    assert rows == [
        ("R1", "2024-25", "spring", "Q01", 4, spring, 1),
        ("R1", "2024-25", "spring", "Q02", 3, spring, 1),
        ("R1", "2024-25", "spring", "Q03", 2, spring, 1),
        ("R2", "2024-25", "spring", "Q02", 4, spring, 2),
        ("R3", "2025-26", "fall", "Q01", 5, fall, 1),
        ("R3", "2025-26", "fall", "Q03", 1, fall, 1),
    ]
    assert con.execute(
        "select distinct submitted_at from raw.survey__responses where response_id = 'R2'"
    ).fetchall() == [(datetime(2025, 4, 1, 9, 12, tzinfo=UTC),)]
    assert con.execute(
        "select source_file, source_row, rule, column_name, offending_value from raw._quarantine"
    ).fetchall() == [(fall, 1, "invalid_integer", "response_value", "x")]


def test_an_export_item_missing_from_the_dictionary_is_an_error(con, settings):
    write_survey(
        settings.survey_export_dir,
        {
            "responses__2024-25__spring.csv": f"{FIXED},Q01,Q02,Q03,Q99\n",
        },
    )
    with pytest.raises(SurveySourceError, match="not in item_dictionary.csv: Q99"):
        load_survey(con, settings)


def test_a_dictionary_item_missing_from_an_export_is_an_error(con, settings):
    write_survey(
        settings.survey_export_dir,
        {
            "responses__2024-25__spring.csv": f"{FIXED},Q01,Q03\n",
        },
    )
    with pytest.raises(SurveySourceError, match="lacks column.*Q02"):
        load_survey(con, settings)


def test_a_misnamed_export_is_an_error(con, settings):
    write_survey(settings.survey_export_dir, {"responses__2024-25__winter.csv": f"{FIXED}\n"})
    with pytest.raises(SurveySourceError, match="responses__2024-25__winter.csv"):
        load_survey(con, settings)
