"""HR database: staff, positions, assignments, vacancies and the hiring funnel.

Schools get about one teacher per 22 students plus counselors, administrators and classified
staff. Each year 10-15% of incumbents leave (more at high-need schools), their positions are
posted, applicants move through applied → screened → interviewed → offered → hired with
pass-through rates that differ a little by group, and most vacancies fill (about 96% certificated,
86% classified) while a few stay open or are cancelled. Staff are less diverse than students,
as in most districts, so the diversity gap measures have something to find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from ingestion.contracts import HR_TABLES
from synthetic_district.dates import NO_DATE, from_day_number
from synthetic_district.names import draw_names
from synthetic_district.schools import Schools

STAFF_ETHNICITY = ["HI", "WH", "BL", "AS", "FI", "AI", "PI", "MR"]
STAFF_SHARES = np.array([0.32, 0.40, 0.11, 0.09, 0.04, 0.01, 0.005, 0.025])
APPLICANT_SHARES = np.array([0.42, 0.30, 0.12, 0.08, 0.04, 0.01, 0.005, 0.025])
RACE_OF = {
    "HI": "WH",
    "WH": "WH",
    "BL": "BL",
    "AS": "AS",
    "FI": "FI",
    "AI": "AI",
    "PI": "PI",
    "MR": "BL;WH",
}
BACKGROUND_OF = {
    "HI": "hispanic",
    "WH": "white",
    "BL": "black",
    "AS": "asian",
    "FI": "filipino",
    "AI": "white",
    "PI": "filipino",
    "MR": "white",
}
# Stage pass-through multipliers: a mild funnel disparity the adverse-impact ratio can detect.
PASS_MULTIPLIER = {"WH": 1.06, "AS": 1.02, "HI": 0.97, "BL": 0.92}
SQL_TYPES = {
    "VARCHAR": sa.String,
    "DATE": sa.Date,
    "INTEGER": sa.Integer,
    "DOUBLE": sa.Float,
    "TIMESTAMPTZ": sa.DateTime(timezone=True),
}


def metadata() -> sa.MetaData:
    """SQLAlchemy tables built from the contract, so column names and order cannot drift."""
    md = sa.MetaData()
    for contract in HR_TABLES:
        sa.Table(
            contract.name,
            md,
            *[
                sa.Column(name, SQL_TYPES[kind], primary_key=(name in contract.key))
                for name, kind in contract.columns.items()
            ],
        )
    return md


@dataclass
class _Rows:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t.name: [] for t in HR_TABLES})


def _date(day) -> str | None:
    return None if day == NO_DATE else from_day_number(int(day)).isoformat()


def _ts(day: int, seconds: int) -> str:
    return (
        f"{from_day_number(int(day)).isoformat()} {seconds // 3600:02d}:"
        f"{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"
    )


def _positions(schools: Schools, enrolment: np.ndarray) -> list[tuple]:
    """(school index or -1, category, title, fte) for every position."""
    out = []
    for s, n in enumerate(enrolment):
        level = schools.levels[s]
        out += [(s, "CERT", "Teacher", 1.0)] * max(int(np.ceil(n / 22)), 1)
        out += [(s, "CERT", "Principal", 1.0)]
        out += [(s, "CERT", "Assistant Principal", 1.0)] * (int(n) // 700)
        out += [(s, "CERT", "Counselor", 1.0)] * (
            max(int(n) // 450, 1) if level != "ES" else int(n > 500)
        )
        out += [(s, "CLAS", "Office Technician", 1.0)] * (1 + int(n) // 600)
        out += [(s, "CLAS", "Custodian", 1.0)] * (1 + int(n) // 350)
        out += [(s, "CLAS", "Cafeteria Worker", 0.75)] * (1 + int(n) // 300)
        out += [(s, "CLAS", "Teacher Assistant", 0.5)] * (int(n) // (90 if level == "ES" else 250))
    central = max(len(out) // 40, 2)
    out += [(-1, "CERT", "Instructional Coordinator", 1.0)] * (central // 2)
    out += [(-1, "CLAS", "Administrative Analyst", 1.0)] * (central - central // 2)
    return out


def _salary(title: np.ndarray, years: np.ndarray) -> np.ndarray:
    base = np.select(
        [
            title == "Teacher",
            title == "Principal",
            title == "Assistant Principal",
            title == "Counselor",
            title == "Instructional Coordinator",
            title == "Administrative Analyst",
            title == "Office Technician",
            title == "Custodian",
        ],
        [58_000, 142_000, 124_000, 78_000, 96_000, 74_000, 46_000, 44_000],
        38_000,
    )
    step = np.where(np.isin(title, ["Teacher", "Counselor"]), 2_300, 900)
    return np.round(base + step * np.minimum(years, 20), -1).astype(float)


def build_hr(
    schools: Schools,
    enrolment: np.ndarray,
    start_years: list[int],
    as_of_day: int,
    rng: np.random.Generator,
) -> dict[str, list[tuple]]:
    """Rows for every HR table, in contract column order."""
    pos = _positions(schools, enrolment)
    n_pos = len(pos)
    pos_school = np.array([p[0] for p in pos])
    pos_cat = np.array([p[1] for p in pos], dtype=object)
    pos_title = np.array([p[2] for p in pos], dtype=object)
    pos_fte = np.array([p[3] for p in pos])
    need = np.where(
        pos_school >= 0, schools.zone_need[schools.zones[np.maximum(pos_school, 0)]], 0.5
    )
    code = lambda s: None if s < 0 else str(schools.codes[s])  # noqa: E731

    staff_eth: list[str] = []
    staff_birth: list[int] = []
    staff_hire: list[int] = []
    staff_sep: list[int] = []
    assignments: list[tuple[int, int, int, int, float]] = []  # staff, position, start, end, sal

    def new_staff(ethnicity: np.ndarray, hire_day: np.ndarray) -> np.ndarray:
        first = len(staff_eth)
        staff_eth.extend(ethnicity.tolist())
        age = rng.integers(23, 40, ethnicity.size) * 365
        staff_birth.extend((hire_day - age - rng.integers(0, 365, ethnicity.size)).tolist())
        staff_hire.extend(hire_day.tolist())
        staff_sep.extend([NO_DATE] * ethnicity.size)
        return np.arange(first, first + ethnicity.size)

    window_start = int(np.datetime64(f"{start_years[0]}-07-01").astype(np.int64))
    experience = rng.integers(0, 25, n_pos)
    hire0 = window_start - experience * 365 - rng.integers(10, 60, n_pos)
    eth0 = np.array(STAFF_ETHNICITY)[rng.choice(len(STAFF_ETHNICITY), n_pos, p=STAFF_SHARES)]
    incumbent = new_staff(eth0, hire0)
    inc_start = hire0.copy()
    vacant_since = np.full(n_pos, -1)
    vacancies: list[tuple] = []  # position, posted, filled, closed, status
    applications: list[tuple] = []  # app idx, vacancy idx, applied, hisp, race, gender
    events: list[tuple] = []  # app idx, stage, day
    app_counter = 0

    for year in start_years:
        y_start = int(np.datetime64(f"{year}-07-01").astype(np.int64))
        y_end = y_start + 364
        if y_start >= as_of_day:
            break
        p_leave = np.where(pos_cat == "CERT", 0.08, 0.11) + 0.05 * need
        leaves = (incumbent >= 0) & (rng.random(n_pos) < p_leave)
        sep_day = np.where(
            rng.random(n_pos) < 0.7, y_end - 1, y_start + 45 + rng.integers(0, 280, n_pos)
        )
        leaves &= sep_day < as_of_day
        for p in np.flatnonzero(leaves):
            s = incumbent[p]
            staff_sep[s] = int(sep_day[p])
            assignments.append(
                (
                    s,
                    p,
                    int(inc_start[p]),
                    int(sep_day[p]),
                    float(
                        _salary(
                            pos_title[p : p + 1],
                            np.array([(inc_start[p] - staff_hire[s]) // 365 + 3]),
                        )[0]
                    ),
                )
            )
            incumbent[p] = -1
            vacant_since[p] = sep_day[p]
        # Post every vacant position: resignations at year end are posted in spring.
        to_post = np.flatnonzero((incumbent < 0) & (vacant_since >= 0))
        is_year_end = leaves[to_post] & (sep_day[to_post] == y_end - 1)
        posted = np.where(
            is_year_end,
            sep_day[to_post] - rng.integers(20, 80, to_post.size),
            np.maximum(vacant_since[to_post], y_start) + rng.integers(1, 14, to_post.size),
        )
        posted = np.maximum(posted, vacant_since[to_post] - 90)
        ok = posted < as_of_day
        to_post, posted = to_post[ok], posted[ok]
        fill_p = np.where(pos_cat[to_post] == "CERT", 0.97, 0.87) - 0.05 * need[to_post]
        will_fill = rng.random(to_post.size) < fill_p
        for k, p in enumerate(to_post):
            v = len(vacancies)
            n_apps = max(1, rng.poisson(7 if pos_cat[p] == "CERT" else 5))
            eth = np.array(STAFF_ETHNICITY)[
                rng.choice(len(STAFF_ETHNICITY), n_apps, p=APPLICANT_SHARES)
            ]
            mult = np.array([PASS_MULTIPLIER.get(e, 1.0) for e in eth])
            applied = posted[k] + rng.integers(0, 12, n_apps)
            stage = np.zeros(n_apps, dtype=int)
            for s_idx, rate in enumerate((0.70, 0.60, 0.55), start=1):
                stage += (stage == s_idx - 1) & (rng.random(n_apps) < rate * mult)
            gaps = rng.integers(3, 12, (n_apps, 4))
            stage_day = applied[:, None] + np.cumsum(np.c_[np.zeros(n_apps, int), gaps], axis=1)
            filled_day = NO_DATE
            hired = -1
            if will_fill[k]:
                hired = int(np.argmax(stage + rng.random(n_apps)))
                stage[hired] = 4
                filled_day = int(stage_day[hired, 4])
                if filled_day >= as_of_day - 1:
                    stage[hired] = 3
                    hired, filled_day = -1, NO_DATE
            for a in range(n_apps):
                declines = rng.random() < 0.08
                applications.append(
                    (
                        app_counter + a,
                        v,
                        int(applied[a]),
                        None if declines else int(eth[a] == "HI"),
                        None if declines else RACE_OF[eth[a]],
                        "F" if rng.random() < 0.62 else "M",
                    )
                )
                for st in range(stage[a] + 1):
                    if stage_day[a, st] < as_of_day:
                        events.append((app_counter + a, st, int(stage_day[a, st])))
            app_counter += n_apps
            if hired >= 0:
                start = max(filled_day + int(rng.integers(7, 22)), int(vacant_since[p]) + 1)
                start = min(start, as_of_day - 1)
                s_new = new_staff(np.array([eth[hired]]), np.array([start]))[0]
                incumbent[p] = s_new
                inc_start[p] = start
                vacant_since[p] = -1
                vacancies.append((p, int(posted[k]), filled_day, NO_DATE, "FILLED"))
            else:
                cancel_day = int(posted[k]) + int(rng.integers(90, 160))
                if not will_fill[k] and cancel_day < as_of_day:
                    vacancies.append((p, int(posted[k]), NO_DATE, cancel_day, "CANCELLED"))
                    vacant_since[p] = cancel_day  # posted again next year
                else:
                    vacancies.append((p, int(posted[k]), NO_DATE, NO_DATE, "OPEN"))
                    vacant_since[p] = -2  # stays open; not posted twice
    for p in np.flatnonzero(incumbent >= 0):
        s = incumbent[p]
        assignments.append(
            (
                s,
                p,
                int(inc_start[p]),
                NO_DATE,
                float(
                    _salary(
                        pos_title[p : p + 1], np.array([(inc_start[p] - staff_hire[s]) // 365 + 3])
                    )[0]
                ),
            )
        )

    # Table rows in contract column order.
    n_staff = len(staff_eth)
    eth_arr = np.array(staff_eth, dtype=object)
    backgrounds = np.array([BACKGROUND_OF[e] for e in staff_eth], dtype=object)
    first, _middle, last = draw_names(backgrounds, np.zeros(n_staff, bool), rng)
    gender = np.where(rng.random(n_staff) < 0.68, "F", "M")
    stamp = lambda day: _ts(min(int(day) + 1, as_of_day - 1), 7 * 3600 + 1800)  # noqa: E731
    rows = _Rows().rows
    for s in range(n_staff):
        touched = max(staff_hire[s], staff_sep[s])
        rows["staff"].append(
            (
                f"E{s + 1:06d}",
                last[s],
                first[s],
                _date(staff_birth[s]),
                str(gender[s]),
                int(eth_arr[s] == "HI"),
                RACE_OF[eth_arr[s]],
                _date(staff_hire[s]),
                _date(staff_sep[s]),
                stamp(touched),
            )
        )
    is_active = rng.random(n_pos) > 0.01
    for p in range(n_pos):
        rows["positions"].append(
            (
                f"P{p + 1:06d}",
                code(pos_school[p]),
                str(pos_cat[p]),
                str(pos_title[p]),
                float(pos_fte[p]),
                int(is_active[p] or incumbent[p] >= 0),
                stamp(window_start),
            )
        )
    for a, (s, p, start, end, salary) in enumerate(sorted(assignments, key=lambda r: (r[2], r[1]))):
        rows["assignments"].append(
            (
                f"A{a + 1:07d}",
                f"E{s + 1:06d}",
                f"P{p + 1:06d}",
                code(pos_school[p]),
                str(pos_cat[p]),
                str(pos_title[p]),
                float(pos_fte[p]),
                salary,
                _date(start),
                _date(end),
                stamp(max(start, end)),
            )
        )
    for v, (p, posted, filled, closed, status) in enumerate(vacancies):
        rows["vacancies"].append(
            (
                f"V{v + 1:06d}",
                f"P{p + 1:06d}",
                code(pos_school[p]),
                str(pos_cat[p]),
                _date(posted),
                _date(filled),
                _date(closed),
                status,
                stamp(max(posted, filled, closed)),
            )
        )
    for a, v, applied, hisp, race, gender_a in applications:
        rows["applications"].append(
            (
                f"APP{a + 1:07d}",
                f"C{a * 7919 % 9_999_991 + 1:07d}",
                f"V{v + 1:06d}",
                _date(applied),
                hisp,
                race,
                gender_a,
                stamp(applied),
            )
        )
    stages = ["applied", "screened", "interviewed", "offered", "hired"]
    for a, st, day in events:
        rows["application_events"].append((f"APP{a + 1:07d}", stages[st], _date(day), stamp(day)))
    return rows


def write_hr(rows: dict[str, list[tuple]], path: Path) -> None:
    """Create the SQLite database through SQLAlchemy and bulk-insert the rows."""
    if path.exists():
        path.unlink()
    engine = sa.create_engine(f"sqlite:///{path}")
    md = metadata()
    md.create_all(engine)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for contract in HR_TABLES:
            cols = list(contract.columns)
            sql = (
                f"INSERT INTO {contract.name} ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)})"
            )
            cur.executemany(sql, rows[contract.name])
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
