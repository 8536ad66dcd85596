"""Set-based disclosure control for aggregate cells, run inside DuckDB.

A "cell" is one (school_year, measure, school_code, student_group) figure. Two quantities of a
cell can leak: its student count n, and its value (for a rate the value and n give back the
numerator; for a mean they give back the sum). Each is protected on its own:

- n is hidden by primary suppression (n below min_n) and by complementary suppression, which is
  driven by n alone. Measures that share denominators therefore get the same n pattern, so one
  measure cannot reveal an n another measure hides.
- the value is hidden wherever n is, where a percent is top/bottom coded, and by value-only
  complementary suppression that protects coded cells (n stays published there).

Complementary suppression works on "equations": sets of cells that add up to a published total.
Within a school the groups of an exhaustive dimension add up to ALL (group equations); across the
district the schools add up to the DISTRICT cell (school equations). Whenever an equation has
exactly one hidden cell and every other cell known, that cell could be recovered by subtraction,
so the next smallest visible cell of the equation is hidden too; this repeats until no equation
changes. Yes/no groups (programs, Filipino within Asian) add up with an unpublished "not in the
group" cell, which is itself recoverable as parent minus group, so the group is hidden whenever
that implicit cell is below min_n. Partition sets (policy.partition_sets, e.g. the five
attendance bands) are equations across measures: for one (school_year, school_code,
student_group) the numerators of the set's measures add up to the n they share, so a set with
exactly one withheld numerator and a published n gets the value of its next smallest band
withheld too (n stays published).

The input table must have: cell_id, school_year, measure, school_code, student_group, count_n
(the student count that decides suppression), value, pct (percent 0-100 for coding or NULL),
is_protected (student-count rules apply) and is_additive (value adds up across cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from exports.open_data.policy import (
    ALL_STUDENTS_GROUP,
    DISTRICT_CODE,
    MULTI_GROUP_DIMENSIONS,
    TWO_CELL_GROUP_PARENTS,
    SuppressionPolicy,
)

MAX_ITERATIONS = 50


@dataclass
class SuppressionStats:
    """How many cells each rule hid and how many rounds complementary suppression needed."""

    reason_counts: dict[str, int]
    n_rounds: int
    value_rounds: int


def _values_sql(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join(f"'{v}'" for v in row) + ")" for row in rows)


def _build_equations(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create _eq_members(eq_kind, eq_key, cell_id, is_total) for the protected cells."""
    dimension_rows = [
        (dimension, group)
        for dimension, groups in MULTI_GROUP_DIMENSIONS.items()
        for group in groups
    ]
    con.execute(f"""
        create or replace temp table _dimension_groups as
        select * from (values {_values_sql(dimension_rows)}) as t(dimension, student_group)
    """)
    con.execute(f"""
        create or replace temp table _eq_members as
        with group_members as (
            select
                'group' as eq_kind,
                concat_ws('|', c.school_year, c.measure, c.school_code, d.dimension) as eq_key,
                c.school_year, c.measure, c.school_code,
                c.cell_id,
                false as is_total,
            from {table} as c
            inner join _dimension_groups as d on d.student_group = c.student_group
            where c.is_protected
        ),
        group_keys as (
            select distinct eq_key, school_year, measure, school_code from group_members
        ),
        group_totals as (
            select 'group' as eq_kind, k.eq_key, c.cell_id, true as is_total,
            from group_keys as k
            inner join {table} as c
                on c.school_year = k.school_year
                and c.measure = k.measure
                and c.school_code = k.school_code
                and c.student_group = '{ALL_STUDENTS_GROUP}'
        ),
        school_cells as (
            select
                'school' as eq_kind,
                concat_ws('|', c.school_year, c.measure, c.student_group) as eq_key,
                c.cell_id,
                c.school_code = '{DISTRICT_CODE}' as is_total,
            from {table} as c
            where c.is_protected
        )
        select eq_kind, eq_key, cell_id, is_total from group_members
        union all
        select eq_kind, eq_key, cell_id, is_total from group_totals
        union all
        select eq_kind, eq_key, cell_id, is_total from school_cells
    """)


def _complement_round(
    con: duckdb.DuckDBPyConnection, table: str, eq_kind: str, quantity: str
) -> int:
    """Hide the next smallest cell in every equation with exactly one hidden cell.

    quantity 'n' hides the whole cell; quantity 'value' hides only the value (n stays).
    Returns the number of cells newly hidden.
    """
    hidden_col = "hidden_n" if quantity == "n" else "hidden_value"
    missing_expr = "c.count_n is null" if quantity == "n" else "c.value is null"
    additive_filter = "" if quantity == "n" else "and c.is_additive"
    con.execute(f"""
        create or replace temp table _picks as
        with member_state as (
            select
                m.eq_key,
                m.is_total,
                c.cell_id,
                c.count_n,
                c.school_code,
                c.student_group,
                c.{hidden_col} as is_hidden,
                ({missing_expr}) as is_missing,
            from _eq_members as m
            inner join {table} as c on c.cell_id = m.cell_id
            where m.eq_kind = '{eq_kind}' {additive_filter}
        ),
        eq_state as (
            select
                eq_key,
                count(*) filter (where is_hidden) as hidden_count,
                count(*) filter (where is_missing and not is_hidden) as missing_count,
                bool_or(is_total) as has_total,
            from member_state
            group by eq_key
        ),
        ranked as (
            select
                s.cell_id,
                row_number() over (
                    partition by s.eq_key
                    order by s.is_total, s.count_n, s.school_code, s.student_group
                ) as pick_rank,
            from member_state as s
            inner join eq_state as e on e.eq_key = s.eq_key
            where e.has_total and e.hidden_count = 1 and e.missing_count = 0
                and not s.is_hidden and not s.is_missing
        )
        select distinct cell_id from ranked where pick_rank = 1
    """)
    picked = con.execute("select count(*) from _picks").fetchall()[0][0]
    if picked:
        hide = "hidden_n = true, hidden_value = true" if quantity == "n" else "hidden_value = true"
        con.execute(f"""
            update {table}
            set {hide}, reason = coalesce(reason, 'complementary_{eq_kind}')
            where cell_id in (select cell_id from _picks)
        """)
    return picked


def _build_partitions(
    con: duckdb.DuckDBPyConnection, table: str, policy: SuppressionPolicy
) -> None:
    """Create _partition_members(eq_key, cell_id): one equation per set, year, school, group."""
    rows = [
        (set_name, measure)
        for set_name, measures in sorted(policy.partition_sets.items())
        for measure in measures
    ]
    values = _values_sql(rows) if rows else "(null, null)"
    con.execute(f"""
        create or replace temp table _partition_members as
        with sets as (
            select * from (values {values}) as t(set_name, measure) where set_name is not null
        )
        select
            concat_ws('|', p.set_name, c.school_year, c.school_code, c.student_group) as eq_key,
            c.cell_id,
        from {table} as c
        inner join sets as p on p.measure = c.measure
        where c.is_protected and c.is_additive
    """)


def _partition_round(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Withhold the next smallest value in every partition with exactly one withheld value.

    The total of a partition is the shared n, known when any member publishes it. A member with
    no value at all (and not withheld) already leaves a second unknown, so its set is safe.
    """
    con.execute(f"""
        create or replace temp table _picks as
        with member_state as (
            select
                m.eq_key,
                c.cell_id,
                c.measure,
                coalesce(c.pct * c.count_n, c.value) as size,  -- pct x n orders like the numerator
                c.hidden_value as is_hidden,
                c.value is null and not c.hidden_value as is_missing,
                not c.hidden_n and c.count_n is not null as is_n_published,
            from _partition_members as m
            inner join {table} as c on c.cell_id = m.cell_id
        ),
        eq_state as (
            select
                eq_key,
                count(*) filter (where is_hidden) as hidden_count,
                count(*) filter (where is_missing) as missing_count,
                bool_or(is_n_published) as is_total_known,
            from member_state
            group by eq_key
        ),
        ranked as (
            select
                s.cell_id,
                row_number() over (
                    partition by s.eq_key order by s.size nulls last, s.measure
                ) as pick_rank,
            from member_state as s
            inner join eq_state as e on e.eq_key = s.eq_key
            where e.is_total_known and e.hidden_count = 1 and e.missing_count = 0
                and not s.is_hidden
        )
        select distinct cell_id from ranked where pick_rank = 1
    """)
    picked = con.execute("select count(*) from _picks").fetchall()[0][0]
    if picked:
        con.execute(f"""
            update {table}
            set hidden_value = true, reason = coalesce(reason, 'complementary_band')
            where cell_id in (select cell_id from _picks)
        """)
    return picked


def _two_cell_round(con: duckdb.DuckDBPyConnection, table: str, min_n: int) -> int:
    """Hide a yes/no group whose implicit "not in the group" cell is below min_n."""
    parent_rows = list(TWO_CELL_GROUP_PARENTS.items())
    con.execute(f"""
        create or replace temp table _picks as
        with parents as (
            select * from (values {_values_sql(parent_rows)}) as t(student_group, parent_group)
        )
        select g.cell_id
        from {table} as g
        inner join parents as p on p.student_group = g.student_group
        inner join {table} as t
            on t.school_year = g.school_year
            and t.measure = g.measure
            and t.school_code = g.school_code
            and t.student_group = p.parent_group
        where g.is_protected
            and not g.hidden_n
            and not t.hidden_n
            and t.count_n - g.count_n < {int(min_n)}
    """)
    picked = con.execute("select count(*) from _picks").fetchall()[0][0]
    if picked:
        con.execute(f"""
            update {table}
            set hidden_n = true, hidden_value = true,
                reason = coalesce(reason, 'complementary_group')
            where cell_id in (select cell_id from _picks)
        """)
    return picked


def _iterate(con, table: str, steps) -> int:
    for round_number in range(1, MAX_ITERATIONS + 1):
        if sum(step() for step in steps) == 0:
            return round_number
    raise RuntimeError(f"complementary suppression did not settle in {MAX_ITERATIONS} rounds")


def apply_suppression(
    con: duckdb.DuckDBPyConnection, table: str, policy: SuppressionPolicy
) -> SuppressionStats:
    """Add hidden_n, hidden_value and reason columns to `table` and fill them."""
    con.execute(f"""
        alter table {table} add column hidden_n boolean default false;
        alter table {table} add column hidden_value boolean default false;
        alter table {table} add column reason varchar;
    """)
    # Primary: a student count below min_n, or a student measure with no count at all.
    con.execute(f"""
        update {table}
        set hidden_n = true, hidden_value = true, reason = '{policy.primary_reason}'
        where is_protected
            and (count_n < {int(policy.min_n)} or (count_n is null and value is not null))
    """)
    _build_equations(con, table)
    n_rounds = _iterate(
        con,
        table,
        [
            lambda: _complement_round(con, table, "group", "n"),
            lambda: _two_cell_round(con, table, policy.min_n),
            lambda: _complement_round(con, table, "school", "n"),
        ],
    )
    con.execute(f"""
        update {table}
        set hidden_value = true,
            reason = case when pct >= {float(policy.coding_high_percent)}
                then 'top_coded' else 'bottom_coded' end
        where is_protected and is_additive and not hidden_value
            and pct is not null
            and count_n < {int(policy.coding_max_n)}
            and (pct <= {float(policy.coding_low_percent)}
                or pct >= {float(policy.coding_high_percent)})
    """)
    _build_partitions(con, table, policy)
    value_rounds = _iterate(
        con,
        table,
        [
            lambda: _complement_round(con, table, "group", "value"),
            lambda: _complement_round(con, table, "school", "value"),
            lambda: _partition_round(con, table),
        ],
    )
    _apply_links(con, table, policy)
    reason_counts = dict(
        con.execute(
            f"select reason, count(*) from {table} where reason is not null group by reason"
        ).fetchall()
    )
    return SuppressionStats(reason_counts, n_rounds, value_rounds)


def _apply_links(con: duckdb.DuckDBPyConnection, table: str, policy: SuppressionPolicy) -> None:
    """Withhold a derived measure's value wherever a cell it is computed from is withheld."""
    for measure, (base_measure, uses_previous_year) in policy.linked_measures.items():
        previous_year_clause = (
            """or b.school_year = concat(
                    cast(cast(left(d.school_year, 4) as integer) - 1 as varchar), '-',
                    substr(d.school_year, 3, 2))"""
            if uses_previous_year
            else ""
        )
        con.execute(f"""
            update {table} as d
            set hidden_value = true, reason = coalesce(d.reason, 'linked_measure')
            where d.measure = '{measure}' and not d.hidden_value and exists (
                select 1 from {table} as b
                where b.measure = '{base_measure}'
                    and b.school_code = d.school_code
                    and b.student_group = d.student_group
                    and b.hidden_value
                    and (b.school_year = d.school_year {previous_year_clause})
            )
        """)
