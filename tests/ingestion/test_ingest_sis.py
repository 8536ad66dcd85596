"""SIS drops: newest-drop selection, loading with lineage, and clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ingest_fixture_files import write_text

from ingestion.contracts import BY_RAW_NAME, SIS_TABLES
from ingestion.sis import SisSourceError, discover_drops, load_sis, select_files
from ingestion.sis.drops import missing_tables

ATTENDANCE = BY_RAW_NAME["sis__attendance"]
STUDENTS = BY_RAW_NAME["sis__students"]

HISTORY_DROP = "2025-06-30"
NIGHTLY_DROP = "2025-07-02"

STUDENTS_HEADER = (
    "student_id,state_student_id,last_name,first_name,middle_name,birth_date,gender,"
    "is_hispanic_latino,race_codes,home_language,address_zip\n"
)
ATTENDANCE_HEADER = "student_id,school_code,attendance_date,attendance_code,absent_fraction\n"

SCHOOLS_CSV = (
    "school_code,school_name,school_level,low_grade,high_grade,street,city,state,zip,phone,"
    "opened_date,is_active\n"
    "1930001,Lincoln ES,ES,KN,05,1 Main St,Springfield,CA,90001,555-0100,1990-08-01,Y\n"
)

# Specific files per drop; every other table gets a header-only file in the history drop.
# Every attendance row's school (1930001) is in schools.csv, and its student in students.csv.
FILES = {
    HISTORY_DROP: {
        "schools.csv": SCHOOLS_CSV,
        "students.csv": STUDENTS_HEADER
        + "S0000001,1000000001,Old,Name,,2015-05-01,F,N,WH,en,90001\n",
        "attendance__2023-24.csv": ATTENDANCE_HEADER
        + "S0000001,1930001,2023-09-05,EXC,1\n"
        + "S0000001,1930001,2023-09-06,PRT,0.5\n",
        "attendance__2024-25.csv": ATTENDANCE_HEADER + "S0000001,1930001,2024-09-05,UNX,1\n",
    },
    NIGHTLY_DROP: {
        # Row 2's last name holds a quoted comma and line break: it is still data row 2.
        "students.csv": STUDENTS_HEADER
        + "S0000001,1000000001,Lee,Ana,,2015-05-01,F,N,WH,en,90001\n"
        + 'S0000002,1000000002,"Ngata,\nTe Rangi",Aroha,M,2014-11-30,X,N,PI;WH,en,90002\n'
        + "S0000003,1000000003,Diaz,Luis,,2016-02-29,M,Y,,es,90003\n",
        "attendance__2024-25.csv": ATTENDANCE_HEADER
        + "S0000001,1930001,2024-09-05,UNX,1\n"
        + "S0000002,1930001,2024-09-05,TDY,0\n"
        + "S0000002,1930001,2024-09-31,EXC,1\n"
        + "S0000003,1930001,2024-09-06,PRT,0.25\n",
    },
}


def sis_header(contract) -> str:
    return ",".join(contract.columns) + "\n"


def build_landing(sources_dir: Path, files=FILES) -> Path:
    landing = sources_dir / "sis"
    for drop, drop_files in files.items():
        for name, text in drop_files.items():
            write_text(landing / drop / name, text)
    for contract in SIS_TABLES:
        name = f"{contract.name}__2024-25.csv" if contract.year_scoped else f"{contract.name}.csv"
        path = landing / HISTORY_DROP / name
        if not any((landing / HISTORY_DROP).glob(f"{contract.name}*.csv")):
            write_text(path, sis_header(contract))
    return landing


def test_newest_drop_wins_per_snapshot_table_and_per_school_year(sources_dir):
    drops = discover_drops(build_landing(sources_dir))

    assert [d.drop_date for d in drops] == [date(2025, 6, 30), date(2025, 7, 2)]
    chosen = select_files(drops, ATTENDANCE)
    # 2023-24 exists only in the history drop; 2024-25 is in both and the nightly drop wins.
    assert [(f.school_year, f.drop_date, f.path.parent.name) for f in chosen] == [
        ("2023-24", date(2025, 6, 30), HISTORY_DROP),
        ("2024-25", date(2025, 7, 2), NIGHTLY_DROP),
    ]
    [students] = select_files(drops, STUDENTS)
    assert students.drop_date == date(2025, 7, 2)
    # The nightly drop lacks 8 of the 10 tables; the history drop is complete.
    assert len(missing_tables(drops[1], SIS_TABLES)) == 8
    assert missing_tables(drops[0], SIS_TABLES) == []


def test_load_sis_types_rows_and_lineage(con, settings, sources_dir):
    build_landing(sources_dir)
    results = load_sis(con, settings)

    assert set(results) == {c.raw_table for c in SIS_TABLES}
    attendance = results["sis__attendance"]
    # read 2 (2023-24, history) + 4 (2024-25, nightly) = 6; the 2024-09-31 row is quarantined
    assert (attendance.rows_read, attendance.rows_loaded, attendance.rows_quarantined) == (6, 5, 1)
    assert attendance.files == (
        "sis/2025-06-30/attendance__2023-24.csv",
        "sis/2025-07-02/attendance__2024-25.csv",
    )
    rows = con.execute(
        "select student_id, attendance_date, attendance_code, absent_fraction, _source_file, "
        "_source_row, _drop_date from raw.sis__attendance order by _source_file, _source_row"
    ).fetchall()
    assert rows == [
        (
            "S0000001",
            date(2023, 9, 5),
            "EXC",
            1.0,
            "sis/2025-06-30/attendance__2023-24.csv",
            1,
            date(2025, 6, 30),
        ),
        (
            "S0000001",
            date(2023, 9, 6),
            "PRT",
            0.5,
            "sis/2025-06-30/attendance__2023-24.csv",
            2,
            date(2025, 6, 30),
        ),
        (
            "S0000001",
            date(2024, 9, 5),
            "UNX",
            1.0,
            "sis/2025-07-02/attendance__2024-25.csv",
            1,
            date(2025, 7, 2),
        ),
        (
            "S0000002",
            date(2024, 9, 5),
            "TDY",
            0.0,
            "sis/2025-07-02/attendance__2024-25.csv",
            2,
            date(2025, 7, 2),
        ),
        (
            "S0000003",
            date(2024, 9, 6),
            "PRT",
            0.25,
            "sis/2025-07-02/attendance__2024-25.csv",
            4,
            date(2025, 7, 2),
        ),
    ]
    assert con.execute(
        "select source_file, source_row, rule, column_name, offending_value "
        "from raw._quarantine where table_name = 'attendance'"
    ).fetchall() == [
        (
            "sis/2025-07-02/attendance__2024-25.csv",
            3,
            "invalid_date",
            "attendance_date",
            "2024-09-31",
        ),
    ]

    students = con.execute(
        "select student_id, last_name, middle_name, race_codes, birth_date, _source_row "
        "from raw.sis__students order by _source_row"
    ).fetchall()
    assert students == [
        ("S0000001", "Lee", None, "WH", date(2015, 5, 1), 1),
        ("S0000002", "Ngata,\nTe Rangi", "M", "PI;WH", date(2014, 11, 30), 2),
        ("S0000003", "Diaz", None, None, date(2016, 2, 29), 3),
    ]
    # header-only files load as empty, typed tables
    assert results["sis__course_grades"].rows_read == 0
    assert con.execute(
        "select data_type from information_schema.columns where table_name = 'sis__course_grades'"
        " and column_name = 'credits_earned'"
    ).fetchone() == ("DOUBLE",)


def test_reloading_sis_leaves_identical_tables(con, settings, sources_dir):
    build_landing(sources_dir)
    load_sis(con, settings)
    first = con.execute(
        "select * exclude (_loaded_at) from raw.sis__attendance order by all"
    ).fetchall()
    load_sis(con, settings)
    second = con.execute(
        "select * exclude (_loaded_at) from raw.sis__attendance order by all"
    ).fetchall()
    assert first == second
    assert con.execute(
        "select count(*) from raw._quarantine where table_name = 'attendance'"
    ).fetchone() == (1,)
    # 10 tables loaded twice; every audit row balances
    assert con.execute(
        "select count(*), count(*) filter (where rows_read = rows_loaded + rows_quarantined) "
        "from raw._load_audit"
    ).fetchone() == (20, 20)


def test_no_drop_is_a_clear_error(settings, sources_dir):
    (sources_dir / "sis" / "not-a-drop").mkdir(parents=True)
    with pytest.raises(SisSourceError, match="no SIS drop"):
        discover_drops(settings.sis_landing_dir)


def test_a_table_missing_from_every_drop_is_a_clear_error(con, settings, sources_dir):
    landing = build_landing(sources_dir)
    (landing / HISTORY_DROP / "discipline_incidents__2024-25.csv").unlink()
    with pytest.raises(SisSourceError, match=r"discipline_incidents__<YYYY-YY>\.csv"):
        load_sis(con, settings)


def test_a_malformed_line_fails_naming_the_file_and_is_not_skipped(con, settings, sources_dir):
    landing = build_landing(sources_dir)
    load_sis(con, settings)
    bad = landing / NIGHTLY_DROP / "attendance__2024-25.csv"
    bad.write_text(ATTENDANCE_HEADER + "S0000001,1930001,2024-09-05,UNX,1,surplus\n")
    with pytest.raises(SisSourceError, match="attendance__2024-25.csv"):
        load_sis(con, settings, [ATTENDANCE])
    # the previous load of the table is untouched: 5 rows as in the first load
    assert con.execute("select count(*) from raw.sis__attendance").fetchone() == (5,)


def test_a_missing_column_names_the_file_and_column(con, settings, sources_dir):
    landing = build_landing(sources_dir)
    write_text(
        landing / NIGHTLY_DROP / "attendance__2024-25.csv",
        "student_id,school_code,attendance_date,attendance_code\n",
    )
    with pytest.raises(SisSourceError, match="attendance__2024-25.csv is missing column"):
        load_sis(con, settings, [ATTENDANCE])


def test_a_misnamed_school_year_is_an_error(sources_dir):
    landing = build_landing(sources_dir)
    write_text(landing / NIGHTLY_DROP / "attendance__2024-26.csv", ATTENDANCE_HEADER)
    with pytest.raises(SisSourceError, match="school year"):
        select_files(discover_drops(landing), ATTENDANCE)
