"""A small warehouse built to be attackable: small groups that subtraction would give back.

Four schools and the district, one rate measure (chronic absence), one mean (ELA DFS), the five
attendance bands (a partition of the same students), a tutoring count, a workforce measure,
enrollment, and restricted student tables holding fake
identifiers that must never reach a public file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHOOLS = {
    "1930001": "Alder Elementary",
    "1930002": "Birch Middle",
    "1930003": "Cedar High",
    "1930004": "Dogwood High",
}
# (n, numerator) of chronic absence, 2024-25. Race groups and gender groups add up to ALL;
# SED, EL are yes/no groups within ALL, FI is within AS.
CHRONIC_2024 = {
    "1930001": {  # Asian 3 + White 40 + Hispanic 57 = 100; not-SED = 100 - 96 = 4 students
        "ALL": (100, 20),
        "HI": (57, 12),
        "WH": (40, 7),
        "AS": (3, 1),
        "F": (52, 11),
        "M": (48, 9),
        "SED": (96, 19),
        "EL": (20, 6),
        "FI": (2, 1),
    },
    "1930002": {  # 30 + 25 + 12 + 8 = 75; gender 40 + 33 + 2 = 75
        "ALL": (75, 15),
        "HI": (30, 6),
        "WH": (25, 5),
        "BL": (12, 3),
        "AS": (8, 1),
        "F": (40, 8),
        "M": (33, 6),
        "X": (2, 1),
        "SED": (50, 12),
        "EL": (9, 2),
    },
    "1930003": {  # 45 + 30 + 15 = 90; White 1/30 = 3.3% is bottom coded (30 < 100)
        "ALL": (90, 9),
        "HI": (45, 6),
        "WH": (30, 1),
        "AS": (15, 2),
        "F": (45, 4),
        "M": (45, 5),
        "SED": (60, 8),
        "EL": (25, 3),
    },
    "1930004": {  # 200 + 150 + 50 = 400
        "ALL": (400, 40),
        "HI": (200, 20),
        "WH": (150, 15),
        "AS": (50, 5),
        "F": (200, 20),
        "M": (200, 20),
        "SED": (300, 30),
        "EL": (100, 10),
    },
}
YEARS = ("2023-24", "2024-25")
BAND_MEASURES = (
    "ATTENDANCE_BAND_ADVANCED",
    "ATTENDANCE_BAND_PROFICIENT",
    "ATTENDANCE_BAND_BASIC",
    "ATTENDANCE_BAND_BELOW_BASIC",
    "ATTENDANCE_BAND_FAR_BELOW_BASIC",
)
# Students per attendance band (in BAND_MEASURES order) by school and gender, both years; the
# band n of a group is the sum of its bands and ALL is F + M. Alder F Advanced 1/52 = 1.9% and
# Cedar F Advanced 2/45 = 4.4% are bottom coded (n < 100); without protecting the bands as a
# set, 52 - 20 - 15 - 10 - 6 would give Alder's 1 back.
BANDS = {
    "1930001": {"F": (1, 20, 15, 10, 6), "M": (3, 18, 12, 9, 6)},  # 52 + 48 = 100
    "1930002": {"F": (4, 14, 10, 7, 5), "M": (3, 12, 9, 6, 5)},  # 40 + 35 = 75
    "1930003": {"F": (2, 15, 12, 9, 7), "M": (5, 16, 11, 8, 5)},  # 45 + 45 = 90
    "1930004": {"F": (20, 80, 50, 30, 20), "M": (18, 82, 50, 30, 20)},  # 200 + 200 = 400
}
MEASURES = [
    # measure_code, measure_name, area, unit, higher_is_better, description
    (
        "CHRONIC_ABSENCE_STATE",
        "Chronic absence (state rule)",
        "attendance",
        "percent",
        False,
        "Share of eligible students absent on 10% or more of days enrolled",
    ),
    (
        "ELA_DFS",
        "ELA distance from standard",
        "assessment",
        "points",
        True,
        "Mean distance from standard",
    ),
    *(
        (code, code.replace("_", " ").title(), "attendance", "percent", True, "Share in band")
        for code in BAND_MEASURES
    ),
    (
        "TUTORING_SESSIONS",
        "Tutoring sessions",
        "tutoring",
        "count",
        True,
        "Completed tutoring sessions",
    ),
    (
        "STAFF_SIMPSON_INDEX",
        "Staff diversity (Simpson index)",
        "workforce",
        "index",
        True,
        "1 - sum of squared staff race/ethnicity shares",
    ),
]
# Strategic-plan order and plain descriptions: chronic absence first, ELA DFS second.
PLAN = {
    "CHRONIC_ABSENCE_STATE": (
        "attendance",
        1,
        "The share of students who missed 10% or more of the school days they were enrolled.",
    ),
    "ELA_DFS": (
        "literacy",
        2,
        "How far, on average, English test scores are above or below the standard.",
    ),
}
TUTORING_SESSIONS = {"1930001": 120, "1930002": 7, "1930003": 40, "1930004": 300}
STAFF_COUNTS = {"1930001": 4, "1930002": 6, "1930003": 9, "1930004": 30}

# The project's own labels seed, so the release and the portal are tested with the real names.
GROUP_LABELS_SEED = (
    Path(__file__).resolve().parents[3] / "dbt_project" / "seeds" / "student_group_labels.csv"
)

# Restricted student data that must never be published.
STUDENT_IDS = ("S0000123", "S0000456", "S0000789")
STATE_STUDENT_IDS = ("9876543210", "8765432109", "7654321098")
STUDENT_NAMES = (("Zebulon", "Quixotezz"), ("Philippa", "Wrenfordly"), ("Octavius", "Brambleton"))
BIRTH_DATES = ("2011-04-17", "2012-09-03", "2010-12-29")


def cells_for_year(year: str) -> dict[str, dict[str, tuple[int, int]]]:
    """School cells plus the DISTRICT row (sum over schools) for one year.

    2023-24 uses the complement (n - numerator) so the two years differ while every set still
    adds up exactly.
    """
    schools = {
        code: {
            group: (n, numerator if year == "2024-25" else n - numerator)
            for group, (n, numerator) in groups.items()
        }
        for code, groups in CHRONIC_2024.items()
    }
    district: dict[str, tuple[int, int]] = {}
    for groups in schools.values():
        for group, (n, numerator) in groups.items():
            total_n, total_num = district.get(group, (0, 0))
            district[group] = (total_n + n, total_num + numerator)
    return {**schools, "DISTRICT": district}


def band_cells() -> dict[str, dict[str, tuple[int, ...]]]:
    """Band counts per school and group (F, M, ALL = F + M) plus DISTRICT (sum over schools)."""
    cells = {
        code: {**groups, "ALL": tuple(f + m for f, m in zip(groups["F"], groups["M"], strict=True))}
        for code, groups in BANDS.items()
    }
    district: dict[str, tuple[int, ...]] = {}
    for groups in cells.values():
        for group, counts in groups.items():
            total = district.get(group, (0,) * len(BAND_MEASURES))
            district[group] = tuple(a + b for a, b in zip(total, counts, strict=True))
    return {**cells, "DISTRICT": district}


def band_rows(year: str) -> list[tuple]:
    """Scorecard rows of the five bands: n is the group's band total, numerator its band."""
    rows = []
    for code, groups in band_cells().items():
        name = SCHOOLS.get(code, "District total")
        for group, counts in groups.items():
            n = sum(counts)
            for measure, numerator in zip(BAND_MEASURES, counts, strict=True):
                value = round(100.0 * numerator / n, 1)
                rows.append((year, code, name, measure, "percent", group, value, n, numerator))
    return rows


def dfs_sum(n: int, numerator: int) -> int:
    """ELA DFS point total of a cell: linear in n and numerator, so it adds up like they do."""
    return 7 * numerator - 3 * n


def scorecard_rows() -> list[tuple]:
    rows = []
    for year in YEARS:
        for code, groups in cells_for_year(year).items():
            name = SCHOOLS.get(code, "District total")
            for group, (n, numerator) in groups.items():
                rows.append(
                    (
                        year,
                        code,
                        name,
                        "CHRONIC_ABSENCE_STATE",
                        "percent",
                        group,
                        round(100.0 * numerator / n, 1),
                        n,
                        numerator,
                    )
                )
                rows.append(
                    (
                        year,
                        code,
                        name,
                        "ELA_DFS",
                        "points",
                        group,
                        round(dfs_sum(n, numerator) / n, 6),
                        n,
                        None,
                    )
                )
            sessions = TUTORING_SESSIONS.get(code, sum(TUTORING_SESSIONS.values()))
            rows.append(
                (year, code, name, "TUTORING_SESSIONS", "count", "ALL", float(sessions), None, None)
            )
            staff = STAFF_COUNTS.get(code, sum(STAFF_COUNTS.values()))
            rows.append((year, code, name, "STAFF_SIMPSON_INDEX", "index", "ALL", 0.5, staff, None))
        rows += band_rows(year)
    return rows


def dashboard_columns(row: tuple) -> tuple:
    """Status level, change level, colour, target, target year and on-track flag as the marts
    would give them, set by hand on the chronic-absence cells: every cell has a status level,
    2024-25 cells a change level, those of 30 or more students a colour, and ALL a target.
    The release decides which of them may be published."""
    year, measure, group, n = row[0], row[3], row[5], row[7]
    if measure != "CHRONIC_ABSENCE_STATE":
        return (None,) * 6
    change = "Declined" if year == "2024-25" else None
    color = "Green" if change and n >= 30 else None
    if group != "ALL":
        return ("High", change, color, None, None, None)
    return ("High", change, color, 12.0, "2025-26", True)


def build_warehouse(path: Path, scorecard: list[tuple] | None = None) -> Path:
    """Write the fixture warehouse to `path` and return it."""
    con = duckdb.connect(str(path))
    con.execute("""
        create schema marts; create schema reference; create schema raw;
        create table marts.school_scorecard (
            school_year varchar, school_code varchar, school_name varchar, measure_code varchar,
            unit varchar, student_group varchar, value double, n integer, numerator double,
            measure_name varchar, example_student_id varchar, status_color varchar,
            status_level varchar, change_level varchar, color varchar, target_value double,
            target_school_year varchar, is_on_track boolean, reporting_status varchar
        );
        create table marts.dim_schools (
            school_code varchar, school_name varchar, school_level varchar,
            low_grade_level varchar, high_grade_level varchar, street_address varchar,
            city varchar, state_code varchar, zip_code varchar, phone_number varchar,
            need_tier varchar, principal_student_liaison_id varchar
        );
        create table marts.enrollment_by_group (
            school_year varchar, school_code varchar, student_group varchar,
            cumulative_enrollment integer, census_day_enrollment integer
        );
        create table reference.measure_catalog (
            measure_code varchar, measure_name varchar, area varchar, unit varchar,
            higher_is_better boolean, description varchar, plan_section varchar,
            plan_priority integer, plain_description varchar
        );
        create table marts.dim_school_years (
            school_year varchar, counted_through_date date, is_year_to_date boolean
        );
        insert into marts.dim_school_years values
            ('2023-24', '2024-06-07', false), ('2024-25', '2024-11-19', true);
        create table reference.student_group_labels (
            code varchar, name varchar, dimension varchar, sort_order integer
        );
        create table raw.sis__students (
            student_id varchar, state_student_id varchar, last_name varchar, first_name varchar,
            birth_date date
        );
        create table marts.fct_student_flags (
            student_id varchar, state_student_id varchar, full_name varchar, birth_date date,
            school_code varchar, is_chronically_absent boolean
        );
    """)
    measure_names = {m[0]: m[1] for m in MEASURES}
    rows = scorecard if scorecard is not None else scorecard_rows()
    con.executemany(
        "insert into marts.school_scorecard values "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *row[:9],
                measure_names.get(row[3], row[3]),
                STUDENT_IDS[0],
                "Green",
                *dashboard_columns(row),
                row[9] if len(row) > 9 else "reported",
            )
            for row in rows
        ],
    )
    con.executemany(
        "insert into marts.dim_schools values (?, ?, ?, ?, ?, ?, 'Springfield', 'CA', ?, ?, ?, ?)",
        [
            (
                code,
                name,
                "ES" if code == "1930001" else "HS",
                "KN",
                "12",
                f"{i} Main St",
                f"9000{i}",
                f"555-010{i}",
                "high",
                STUDENT_IDS[1],
            )
            for i, (code, name) in enumerate(SCHOOLS.items(), start=1)
        ],
    )
    enrollment = [
        (year, code, group, n + 2, n)
        for year in YEARS
        for code, groups in cells_for_year(year).items()
        for group, (n, _) in groups.items()
    ]
    con.executemany("insert into marts.enrollment_by_group values (?, ?, ?, ?, ?)", enrollment)
    con.executemany(
        "insert into reference.measure_catalog values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (*measure, *PLAN.get(measure[0], (None, None, f"What {measure[1]} counts.")))
            for measure in MEASURES
        ],
    )
    con.execute(
        "insert into reference.student_group_labels "
        f"select * from read_csv('{GROUP_LABELS_SEED}', header = true)"
    )
    students = list(zip(STUDENT_IDS, STATE_STUDENT_IDS, STUDENT_NAMES, BIRTH_DATES, strict=True))
    con.executemany(
        "insert into raw.sis__students values (?, ?, ?, ?, ?)",
        [(sid, ssid, last, first, birth) for sid, ssid, (first, last), birth in students],
    )
    con.executemany(
        "insert into marts.fct_student_flags values (?, ?, ?, ?, '1930001', true)",
        [(sid, ssid, f"{first} {last}", birth) for sid, ssid, (first, last), birth in students],
    )
    con.close()
    return path
