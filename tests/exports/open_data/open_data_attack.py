"""An attacker's view of a published table: recover withheld figures by exact linear algebra.

Every subtraction an attacker could chain (groups of a dimension within a school, yes/no groups
against their parent, schools against the district, and any combination of those) is a linear
equation over the cells. A withheld figure is recoverable exactly when its unit vector lies in
the row space of the equations restricted to the unknowns, which is what `recoverable` tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from exports.open_data.policy import MULTI_GROUP_DIMENSIONS, TWO_CELL_GROUP_PARENTS

DISTRICT = "DISTRICT"


def _number(text) -> float | None:
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text) == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None  # a coded value such as "≤5%" hides the exact figure


def published_quantity(row: pd.Series, quantity: str, is_mean: bool) -> float | None:
    """The exact figure a row gives away: n, or the numerator (for a mean: value x n)."""
    n = _number(row["n"])
    if quantity == "n":
        return n
    if "numerator" not in row or is_mean:
        value = _number(row.get("value"))
        return None if value is None or n is None else value * n
    return _number(row["numerator"])


def _known_cells(
    published: pd.DataFrame, quantity: str, is_mean: bool, is_absent_group_kept: bool = True
) -> dict[tuple[str, str], float | None]:
    """(school_code, student_group) -> published figure, with the implicit "not in group" cells
    of yes/no groups added as unknowns (a group with no row has nobody in it; its "not in
    group" cell equals the published parent, so is_absent_group_kept=False leaves it out)."""
    known: dict[tuple[str, str], float | None] = {}
    for _, row in published.iterrows():
        known[(row["school_code"], row["student_group"])] = published_quantity(
            row, quantity, is_mean
        )
    for school in sorted({s for s, _ in known}):
        for group, parent in TWO_CELL_GROUP_PARENTS.items():
            if (school, parent) in known and (is_absent_group_kept or (school, group) in known):
                known.setdefault((school, group), 0.0)
                known[(school, f"not_{group}")] = None  # never published
    return known


def _cell_equations(known: dict[tuple[str, str], float | None]) -> list[dict]:
    """Groups within a school, yes/no groups against their parent, schools against DISTRICT."""
    schools = sorted({s for s, _ in known})
    equations: list[dict] = []
    for school in schools:
        for groups in MULTI_GROUP_DIMENSIONS.values():
            present = [(school, g) for g in groups if (school, g) in known]
            if present and (school, "ALL") in known:
                equation = {cell: 1.0 for cell in present}
                equation[(school, "ALL")] = -1.0
                equations.append(equation)
        for group, parent in TWO_CELL_GROUP_PARENTS.items():
            if (school, f"not_{group}") in known:
                equations.append(
                    {(school, group): 1.0, (school, f"not_{group}"): 1.0, (school, parent): -1.0}
                )
    for group in sorted({g for _, g in known}):
        members = [(s, group) for s in schools if s != DISTRICT and (s, group) in known]
        if members and (DISTRICT, group) in known:
            equation = {cell: 1.0 for cell in members}
            equation[(DISTRICT, group)] = -1.0
            equations.append(equation)
    return equations


def _solve(known: dict, equations: list[dict]) -> list:
    """Unknowns whose unit vector lies in the row space of the equations (exactly determined)."""
    unknowns = sorted(cell for cell, value in known.items() if value is None)
    if not unknowns or not equations:
        return []
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = np.zeros((len(equations), len(unknowns)))
    for row_number, equation in enumerate(equations):
        for cell, coefficient in equation.items():
            if cell in index:
                matrix[row_number, index[cell]] = coefficient
    full_rank = np.linalg.matrix_rank(matrix)
    found = []
    for cell, column in index.items():
        if np.linalg.matrix_rank(np.delete(matrix, column, axis=1)) == full_rank - 1:
            found.append(cell)
    return found


def recoverable(
    published: pd.DataFrame, quantity: str, is_mean: bool = False
) -> list[tuple[str, str]]:
    """Cells (school_code, student_group) whose withheld quantity the equations determine.

    `published` holds one measure and one year, schools and the DISTRICT row, as released
    (strings, empty when withheld). Implicit "not in group" cells are included as unknowns and
    reported as (school_code, "not_<group>").
    """
    known = _known_cells(published, quantity, is_mean)
    return _solve(known, _cell_equations(known))


def recoverable_with_partitions(
    published: pd.DataFrame, partition_sets: dict[str, tuple[str, ...]]
) -> list[tuple[str, str, str, str]]:
    """Withheld figures of rate measures recoverable when measures are combined.

    `published` holds one year of several measures. The unknowns are every withheld n and
    numerator, keyed (quantity, measure, school_code, student_group). Besides each measure's
    own equations (as in `recoverable`, for n and for numerators), every partition set gives,
    per school and group, "the members share one n" and "the members' numerators add up to it".
    """
    known: dict[tuple, float | None] = {}
    equations: list[dict] = []
    for measure, rows in published.groupby("measure"):
        for quantity in ("n", "numerator"):
            cells = _known_cells(rows, quantity, is_mean=False, is_absent_group_kept=False)
            known.update({(quantity, measure, *cell): v for cell, v in cells.items()})
            equations += [
                {(quantity, measure, *cell): c for cell, c in equation.items()}
                for equation in _cell_equations(cells)
            ]
    for measures in partition_sets.values():
        places = sorted({key[2:] for key in known if key[0] == "n" and key[1] in measures})
        for place in places:
            members = [m for m in measures if ("numerator", m, *place) in known]
            shared_n = ("n", members[0], *place)
            for other in members[1:]:
                equations.append({("n", other, *place): 1.0, shared_n: -1.0})
            total = {("numerator", m, *place): 1.0 for m in members}
            total[shared_n] = -1.0
            equations.append(total)
    return _solve(known, equations)
