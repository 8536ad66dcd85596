"""A SIS drop folder dated after today (in the district's time zone) is refused: `future_drop`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bad_input_files import STUDENT_ROWS, STUDENTS_HEADER, csv_text, raw_rows, write_bytes

from ingestion.common.settings import SourceSettings
from ingestion.sis import SisSourceError, load_sis


def _expect_future_drop(con, settings, folder: str) -> None:
    before = raw_rows(con, "sis__students")
    try:
        load_sis(con, settings)
    except SisSourceError as error:
        assert error.rule == "future_drop", str(error)
        assert error.source_file == f"sis/{folder}"
        assert f"dated after today ({settings.today()} in the district's time zone)" in str(error)
    else:
        raise AssertionError(f"a drop dated {folder} was loaded")
    assert raw_rows(con, "sis__students") == before


def test_a_drop_dated_2099_is_refused_and_nothing_loads(con, settings, landing):
    load_sis(con, settings)
    renamed = [row.replace("Lee,Ana", "Future,Ana") for row in STUDENT_ROWS]
    write_bytes(
        landing / "2099-12-31" / "students.csv", csv_text(STUDENTS_HEADER, renamed).encode()
    )
    _expect_future_drop(con, settings, "2099-12-31")


def test_future_means_after_today_in_the_district_time_zone(con, sources_dir, landing):
    """Kiritimati (UTC+14) is always a calendar day ahead of Pago Pago (UTC-11)."""
    kiritimati_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    write_bytes(
        landing / kiritimati_today / "students.csv",
        csv_text(STUDENTS_HEADER, STUDENT_ROWS).encode(),
    )
    ahead = SourceSettings.from_env(
        {"DISTRICT_SOURCES_DIR": str(sources_dir), "DISTRICT_TIMEZONE": "Pacific/Kiritimati"}
    )
    load_sis(con, ahead)  # today there: not in the future
    behind = SourceSettings.from_env(
        {"DISTRICT_SOURCES_DIR": str(sources_dir), "DISTRICT_TIMEZONE": "Pacific/Pago_Pago"}
    )
    _expect_future_drop(con, behind, kiritimati_today)
