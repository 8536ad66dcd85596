"""Hand-made SIS rows and file helpers shared by the bad-input tests."""

from __future__ import annotations

from pathlib import Path

from ingestion.contracts import SIS_TABLES

GOOD_DROP = "2025-07-01"
NEXT_DROP = "2025-07-02"

STUDENTS_HEADER = (
    "student_id,state_student_id,last_name,first_name,middle_name,birth_date,gender,"
    "is_hispanic_latino,race_codes,home_language,address_zip"
)
STUDENT_ROWS = [
    "S0000001,1000000001,Lee,Ana,,2015-05-01,F,N,WH,en,90001",
    "S0000002,1000000002,Okafor,Chidi,,2014-11-30,M,N,BL,en,90002",
    "S0000003,1000000003,Diaz,Luis,,2016-02-29,M,Y,,es,90003",
]
ATTENDANCE_HEADER = "student_id,school_code,attendance_date,attendance_code,absent_fraction"
ATTENDANCE_ROWS = [
    "S0000001,1930001,2024-09-05,UNX,1",
    "S0000002,1930001,2024-09-05,TDY,0",
    "S0000003,1930001,2024-09-06,PRT,0.25",
]
SCHOOLS_HEADER = (
    "school_code,school_name,school_level,low_grade,high_grade,street,city,state,zip,phone,"
    "opened_date,is_active"
)
SCHOOL_ROW = "1930001,Lincoln ES,ES,KN,05,1 Main St,Springfield,CA,90001,555-0100,1990-08-01,Y"


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def write_bytes(path: Path, data: bytes) -> Path:
    """Write a fixture file byte for byte, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build_landing(sources_dir: Path) -> Path:
    """A complete, valid drop: 3 students, 3 attendance rows, 1 school, other tables empty."""
    landing = sources_dir / "sis"
    drop = landing / GOOD_DROP
    files = {
        "students.csv": csv_text(STUDENTS_HEADER, STUDENT_ROWS),
        "attendance__2024-25.csv": csv_text(ATTENDANCE_HEADER, ATTENDANCE_ROWS),
        "schools.csv": csv_text(SCHOOLS_HEADER, [SCHOOL_ROW]),
    }
    for contract in SIS_TABLES:
        name = f"{contract.name}__2024-25.csv" if contract.year_scoped else f"{contract.name}.csv"
        text = files.get(name, ",".join(contract.columns) + "\n")
        write_bytes(drop / name, text.encode("utf-8"))
    return landing


def raw_rows(con, table: str) -> list[tuple]:
    """A raw table's rows without `_loaded_at`, in a stable order."""
    return con.execute(f"select * exclude (_loaded_at) from raw.{table} order by all").fetchall()


def quarantined_rows(con) -> list[tuple]:
    """`raw._quarantine` as (table, row, rule, column, value), in a stable order."""
    return con.execute(
        "select table_name, source_row, rule, column_name, offending_value from raw._quarantine "
        "order by table_name, source_row"
    ).fetchall()
