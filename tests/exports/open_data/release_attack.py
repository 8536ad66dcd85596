"""An attacker who reads every file of a release at once and combines them.

The counts of one place (school year, school or DISTRICT, student group) are published in
several files: the census-day enrolment in enrollment_by_group, and each measure's n in
scorecard_measures and district_measures. Each dataset's own equations (groups of a dimension
add up to ALL, yes/no groups against their parent, schools add up to DISTRICT) are joined by
the links an attacker can see in the published numbers: a measure whose published n equals the
enrolment of the same place (or of the place a year earlier) wherever both are published, or
is within one of it everywhere, is taken to count the same students, so its withheld n and the
withheld enrolment stand for each other. A withheld count the joined system determines is
recovered exactly, or within one through a near link.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from open_data_attack import _cell_equations, _known_cells

from warehouse.school_year import previous_school_year

ENROLLMENT = "ENROLLMENT"
# A measure is linked to the enrolment when both are published in at least this many places
# and every one of them agrees within LINK_TOLERANCE.
MIN_LINK_PLACES = 3
LINK_TOLERANCE = 1


def read_release(release_dir: Path) -> dict[str, pd.DataFrame]:
    """Every CSV file of the release's data folder, as text (empty when withheld)."""
    return {
        path.stem: pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in sorted((release_dir / "data").glob("*.csv"))
    }


def _count_tables(files: dict[str, pd.DataFrame]) -> dict[tuple[str, str], pd.DataFrame]:
    """(school_year, measure) -> rows (school_code, student_group, n) of every published count."""
    enrollment = files["enrollment_by_group"].assign(measure=ENROLLMENT)
    measures = pd.concat([files["scorecard_measures"], files["district_measures"]])
    columns = ["school_year", "measure", "school_code", "student_group", "n", "suppression_reason"]
    counts = pd.concat([enrollment[columns], measures[columns]])
    # a measure that never publishes n (a count measure) has no count to combine
    return {
        key: rows
        for key, rows in counts.groupby(["school_year", "measure"])
        if (rows["n"] != "").any()
    }


def _links(tables: dict) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """(measure table, enrolment table) pairs whose published counts agree everywhere."""
    links = []
    for (year, measure), rows in tables.items():
        if measure == ENROLLMENT:
            continue
        for enrol_year in (year, previous_school_year(year)):
            enrolment = tables.get((enrol_year, ENROLLMENT))
            if enrolment is None:
                continue
            both = rows.merge(enrolment, on=["school_code", "student_group"])
            both = both[(both["n_x"] != "") & (both["n_y"] != "")]
            if len(both) < MIN_LINK_PLACES:
                continue
            gap = (both["n_x"].astype(float) - both["n_y"].astype(float)).abs()
            if (gap <= LINK_TOLERANCE).all():
                links.append(((year, measure), (enrol_year, ENROLLMENT)))
    return links


def _determined(unknowns: list, equations: list[dict], known: dict) -> dict:
    """Unknowns whose unit vector lies in the row space of the equations (null-space test),
    solved per connected block of unknowns: cell -> the value the equations give it (least
    squares, so a link that is wrong somewhere still gives the attacker's best figure)."""
    index = {cell: i for i, cell in enumerate(unknowns)}
    parent = list(range(len(unknowns)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = []
    for equation in equations:
        members = [index[c] for c in equation if c in index]
        if not members:
            continue
        row = {index[c]: v for c, v in equation.items() if c in index}
        row[-1] = -sum(v * known[c] for c, v in equation.items() if c not in index)
        rows.append(row)
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    blocks: dict[int, list[int]] = {}
    for i in range(len(unknowns)):
        blocks.setdefault(find(i), []).append(i)
    block_rows: dict[int, list[dict]] = {}
    for row in rows:
        block_rows.setdefault(find(next(c for c in row if c >= 0)), []).append(row)
    found = {}
    for root, columns in blocks.items():
        equations_here = block_rows.get(root, [])
        if not equations_here:
            continue
        position = {c: j for j, c in enumerate(columns)}
        matrix = np.zeros((len(equations_here), len(columns)))
        rhs = np.zeros(len(equations_here))
        for r, row in enumerate(equations_here):
            for c, v in row.items():
                if c < 0:
                    rhs[r] = v
                else:
                    matrix[r, position[c]] = v
        solution = np.linalg.lstsq(matrix, rhs, rcond=None)[0]
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0))).sum())
        null_space = vt[rank:]
        for c, j in position.items():
            if null_space.shape[0] == 0 or np.abs(null_space[:, j]).max() < 1e-9:
                found[unknowns[c]] = float(solution[j])
    return found


def recoverable_counts(release_dir: Path, combined: bool = True) -> dict[tuple, float]:
    """Withheld counts (school_year, measure, school_code, student_group) the joined equations
    of every file of the release determine, with the figure they give (combined=False: each
    table's equations alone)."""
    tables = _count_tables(read_release(release_dir))
    if not combined:
        found = {}
        for key, rows in tables.items():
            found.update(_recoverable({key: rows}, []))
        return found
    return _recoverable(tables, _links(tables))


def true_counts(warehouse_path: Path) -> dict[tuple, float]:
    """The unsuppressed counts of the warehouse, keyed as recoverable_counts keys them."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        rows = con.execute(f"""
            select cast(school_year as varchar), '{ENROLLMENT}', cast(school_code as varchar),
                cast(student_group as varchar), cast(census_day_enrollment as double)
            from marts.enrollment_by_group
            union all
            select cast(school_year as varchar), cast(measure_code as varchar),
                cast(school_code as varchar), cast(student_group as varchar), cast(n as double)
            from marts.school_scorecard
        """).fetchall()
    return {tuple(row[:4]): row[4] for row in rows}


def combined_only_recoveries(release_dir: Path, truth: dict[tuple, float]) -> list[tuple]:
    """Withheld counts the files give away together, exactly or within one of the true count
    (`truth`, from true_counts), that no table gives away alone."""
    alone = recoverable_counts(release_dir, combined=False)
    return [
        (*cell, estimate, truth.get(cell))
        for cell, estimate in recoverable_counts(release_dir).items()
        if cell not in alone and (truth.get(cell) is None or abs(estimate - truth[cell]) <= 1.5)
    ]


def _recoverable(tables: dict, links: list) -> dict[tuple, float]:
    known: dict[tuple, float | None] = {}
    equations: list[dict] = []
    for (year, measure), rows in tables.items():
        cells = _known_cells(rows, "n", is_mean=False, is_absent_group_kept=False)
        known.update({(year, measure, *cell): value for cell, value in cells.items()})
        equations += [
            {(year, measure, *cell): coefficient for cell, coefficient in equation.items()}
            for equation in _cell_equations(cells)
        ]
    for (year, measure), (enrol_year, _) in links:
        for school, group in tables[(year, measure)][["school_code", "student_group"]].values:
            place = (enrol_year, ENROLLMENT, school, group)
            if place in known:
                equations.append({(year, measure, school, group): 1.0, place: -1.0})
    unknowns = sorted(cell for cell, value in known.items() if value is None)
    withheld = {
        (year, measure, school, group)
        for (year, measure), rows in tables.items()
        for school, group, n, reason in rows[
            ["school_code", "student_group", "n", "suppression_reason"]
        ].values
        if n == "" and reason != ""
    }
    # an implicit "not in the group" cell is parent minus group: it is determined whenever both
    # are published (the two-cell rule keeps it at min_n or more), so only withheld cells count
    # (a row with no n and no reason never had a count: it is an unknown, not a withheld cell)
    found = _determined(unknowns, equations, known)
    return {cell: value for cell, value in found.items() if cell in withheld}
