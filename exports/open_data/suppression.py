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
# A published count this close to a withheld count of the same school, year and group is taken to
# be the same students counted again (census day versus the measure's own count): an attacker
# who reads one as the other recovers the withheld count exactly or within one.
SAME_POPULATION_TOLERANCE = 1


@dataclass
class SuppressionStats:
    """How many cells each rule hid and how many rounds complementary suppression needed."""

    reason_counts: dict[str, int]
    n_rounds: int
    value_rounds: int


def _values_sql(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join(f"'{v}'" for v in row) + ")" for row in rows)


def _build_equations(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create _eq_members(eq_id, eq_kind, cell_id, is_total, ...) for the protected cells.

    Group equations are keyed by (school_year, measure, school_code, dimension) and school
    equations by (school_year, measure, student_group); each gets an integer id once, so the
    rounds group and join on integers. The static facts the rounds need about a member (no n,
    no value, additive) are copied beside it, so only the hidden flags are looked up.
    """
    dimension_rows = [
        (dimension, group)
        for dimension, groups in MULTI_GROUP_DIMENSIONS.items()
        for group in groups
    ]
    con.execute(f"""
        create or replace temp table _dimension_groups as
        select * from (values {_values_sql(dimension_rows)}) as t(dimension, student_group)
    """)
    facts = "c.count_n is null as is_n_missing, c.value is null as is_value_missing, c.is_additive"
    con.execute(f"""
        create or replace temp table _group_members as
        select c.school_year, c.measure, c.school_code, d.dimension, c.cell_id, {facts},
        from {table} as c
        inner join _dimension_groups as d on d.student_group = c.student_group
        where c.is_protected
    """)
    con.execute("""
        create or replace temp table _group_equations as
        select row_number() over () as eq_id, *
        from (select distinct school_year, measure, school_code, dimension from _group_members)
    """)
    group_count = con.execute("select count(*) from _group_equations").fetchall()[0][0]
    con.execute(f"""
        create or replace temp table _school_equations as
        select {group_count} + row_number() over () as eq_id, *
        from (select distinct school_year, measure, student_group from {table} where is_protected)
    """)
    con.execute(f"""
        create or replace temp table _eq_members as
        select
            e.eq_id, 'group' as eq_kind, m.cell_id, false as is_total,
            m.is_n_missing, m.is_value_missing, m.is_additive,
        from _group_members as m
        inner join _group_equations as e
            on e.school_year = m.school_year
            and e.measure = m.measure
            and e.school_code = m.school_code
            and e.dimension = m.dimension
        union all
        select e.eq_id, 'group' as eq_kind, c.cell_id, true as is_total, {facts},
        from _group_equations as e
        inner join {table} as c
            on c.school_year = e.school_year
            and c.measure = e.measure
            and c.school_code = e.school_code
            and c.student_group = '{ALL_STUDENTS_GROUP}'
        union all
        select
            e.eq_id, 'school' as eq_kind, c.cell_id, c.school_code = '{DISTRICT_CODE}' as is_total,
            {facts},
        from {table} as c
        inner join _school_equations as e
            on e.school_year = c.school_year
            and e.measure = c.measure
            and e.student_group = c.student_group
        where c.is_protected
    """)
    con.execute("drop table _group_members; drop table _group_equations")
    con.execute("drop table _school_equations")
    # One view per rule: the members of its equations, and what counts as missing there.
    # Values of non-additive measures are no part of any value equation.
    for eq_kind in ("group", "school"):
        con.execute(f"""
            create or replace temp view _members_{eq_kind}_n as
            select eq_id, cell_id, is_total, is_n_missing as is_missing,
            from _eq_members where eq_kind = '{eq_kind}'
        """)
        con.execute(f"""
            create or replace temp view _members_{eq_kind}_value as
            select eq_id, cell_id, is_total, is_value_missing as is_missing,
            from _eq_members where eq_kind = '{eq_kind}' and is_additive
        """)


@dataclass(frozen=True)
class _Rule:
    """One kind of equation for one quantity, and what a pick in it hides.

    members: table of (eq_id, cell_id, is_total, is_missing) for this rule's equations.
    hidden: the cell column that counts as hidden. total: SQL (over m = member, c = cell) that
    makes an equation's total known. candidate: SQL a pickable cell satisfies in a qualifying
    equation. order: how the candidates are ranked (the first is picked). hide: the SET clause.
    """

    name: str
    members: str
    hidden: str
    total: str
    candidate: str
    order: str
    hide: str
    reason: str


def _complement_rule(eq_kind: str, quantity: str) -> _Rule:
    return _Rule(
        name=f"{eq_kind}_{quantity}",
        members=f"_members_{eq_kind}_{quantity}",
        hidden="hidden_n" if quantity == "n" else "hidden_value",
        total="m.is_total",
        candidate="not m.is_missing",
        order="m.is_total, c.count_n, c.school_code, c.student_group",
        hide="hidden_n = true, hidden_value = true" if quantity == "n" else "hidden_value = true",
        reason=f"complementary_{eq_kind}",
    )


# A band's value is one unknown of its partition once withheld; the shared n (the total) is
# known when any member publishes it.
_PARTITION_RULE = _Rule(
    name="partition",
    members="_members_partition",
    hidden="hidden_value",
    total="not c.hidden_n and c.count_n is not null",
    candidate="true",
    order="coalesce(c.pct * c.count_n, c.value) nulls last, c.measure",  # pct x n ~ numerator
    hide="hidden_value = true",
    reason="complementary_band",
)


class _Rounds:
    """Rules applied in turn, round after round, until a whole round hides nothing.

    Every rule hides the next smallest cell of each equation that has a known total, exactly one
    hidden cell and no missing one (so subtraction would give the hidden cell back). An
    equation's counts change only when one of its cells is newly hidden, so each rule keeps its
    equations' counts in a table and, before each look, adds the cells hidden since its last
    look (by any rule, its own picks included) instead of recounting every equation. Picks are
    the same, round by round, as recounting everything each time.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con = con
        self.table = table
        self.step = 0
        self.last_step: dict[str, int] = {}
        con.execute("create or replace temp table _hidden_log (cell_id bigint, step integer)")

    def _count(self, rule: _Rule) -> None:
        con, table = self.con, self.table
        if rule.name not in self.last_step:
            con.execute(f"""
                create or replace temp table _state_{rule.name} as
                select
                    m.eq_id,
                    count(*) filter (where c.{rule.hidden}) as hidden_count,
                    count(*) filter (where m.is_missing and not c.{rule.hidden}) as missing_count,
                    bool_or({rule.total}) as has_total,
                from {rule.members} as m
                inner join {table} as c on c.cell_id = m.cell_id
                group by m.eq_id
            """)
            return
        con.execute(f"""
            update _state_{rule.name} as s
            set hidden_count = s.hidden_count + d.hidden_added,
                missing_count = s.missing_count - d.missing_hidden
            from (
                select
                    m.eq_id,
                    count(*) as hidden_added,
                    count(*) filter (where m.is_missing) as missing_hidden,
                from {rule.members} as m
                inner join (
                    select distinct cell_id from _hidden_log
                    where step >= {self.last_step[rule.name]}
                ) as h on h.cell_id = m.cell_id
                group by m.eq_id
            ) as d
            where s.eq_id = d.eq_id
        """)

    def _look(self, rule: _Rule) -> int:
        """Hide the picks of every qualifying equation; return how many cells were hidden."""
        con, table = self.con, self.table
        self._count(rule)
        con.execute(f"""
            create or replace temp table _picks as
            with qualifying as (
                select eq_id from _state_{rule.name}
                where has_total and hidden_count = 1 and missing_count = 0
            ),
            ranked as (
                select
                    c.cell_id,
                    row_number() over (partition by m.eq_id order by {rule.order}) as pick_rank,
                from {rule.members} as m
                inner join qualifying as q on q.eq_id = m.eq_id
                inner join {table} as c on c.cell_id = m.cell_id
                where not c.{rule.hidden} and {rule.candidate}
            )
            select distinct cell_id from ranked where pick_rank = 1
        """)
        picked = con.execute("select count(*) from _picks").fetchall()[0][0]
        if picked:
            con.execute(f"""
                update {table}
                set {rule.hide}, reason = coalesce(reason, '{rule.reason}')
                where cell_id in (select cell_id from _picks)
            """)
        return picked

    def _record(self, name: str, picked: int) -> int:
        if picked:
            self.con.execute(f"insert into _hidden_log select cell_id, {self.step} from _picks")
        self.last_step[name] = self.step
        self.step += 1
        return picked

    def run(self, steps: list) -> int:
        """Apply the steps (rules, or (name, callable) pairs) in rounds; return the rounds."""
        for round_number in range(1, MAX_ITERATIONS + 1):
            hidden = 0
            for step in steps:
                if isinstance(step, _Rule):
                    hidden += self._record(step.name, self._look(step))
                else:
                    name, look = step
                    hidden += self._record(name, look())
            if hidden == 0:
                return round_number
        raise RuntimeError(f"complementary suppression did not settle in {MAX_ITERATIONS} rounds")


def _build_partitions(
    con: duckdb.DuckDBPyConnection, table: str, policy: SuppressionPolicy
) -> None:
    """Create _members_partition: one equation per set, school year, school and group."""
    rows = [
        (set_name, measure)
        for set_name, measures in sorted(policy.partition_sets.items())
        for measure in measures
    ]
    values = _values_sql(rows) if rows else "(null, null)"
    con.execute(f"""
        create or replace temp table _members_partition as
        with sets as (
            select * from (values {values}) as t(set_name, measure) where set_name is not null
        )
        select
            dense_rank() over (
                order by p.set_name, c.school_year, c.school_code, c.student_group
            ) as eq_id,
            c.cell_id,
            false as is_total,
            c.value is null as is_missing,
        from {table} as c
        inner join sets as p on p.measure = c.measure
        where c.is_protected and c.is_additive
    """)


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


def apply_suppression(
    con: duckdb.DuckDBPyConnection,
    table: str,
    policy: SuppressionPolicy,
    link_context: str | None = None,
    population_hidden: str | None = None,
) -> SuppressionStats:
    """Add hidden_n, hidden_value and reason columns to `table` and fill them.

    `population_hidden` names a table (school_year, school_code, student_group, count_n) of
    student counts withheld in another dataset of the release. A cell of `table` counting the
    same place (school year, school, group) with a count within SAME_POPULATION_TOLERANCE of a
    withheld one could be that count published again, so it is withheld too
    (`same_population`) before complementary suppression runs; the release repeats the datasets
    until neither withholds a count the other publishes (datasets.build_joint_datasets).

    Every equation lies within one school year, so any set of whole school years can be
    suppressed on its own. The one link across years is a derived measure that follows its base
    cell of the year before (policy.linked_measures): when that year is not in `table`,
    `link_context` names a table (school_year, school_code, student_group, measure,
    hidden_value) holding those base cells as they were published.
    """
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
    if population_hidden is not None:
        con.execute(f"""
            update {table} as c
            set hidden_n = true, hidden_value = true, reason = 'same_population'
            where not c.hidden_n and c.count_n is not null and not c.is_staff_count and exists (
                select 1 from {population_hidden} as p
                where p.school_year = c.school_year
                    and p.school_code = c.school_code
                    and p.student_group = c.student_group
                    and abs(p.count_n - c.count_n) <= {SAME_POPULATION_TOLERANCE}
            )
        """)
    _build_equations(con, table)
    two_cell_looked = []

    def two_cell() -> int:
        # A yes/no group qualifies only while it and its parent are both published, and
        # nothing is ever published again once hidden: the first look hides every group that
        # will ever qualify, so later looks would find none.
        if two_cell_looked:
            return 0
        two_cell_looked.append(True)
        return _two_cell_round(con, table, policy.min_n)

    n_rounds = _Rounds(con, table).run(
        [_complement_rule("group", "n"), ("two_cell", two_cell), _complement_rule("school", "n")]
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
    value_rounds = _Rounds(con, table).run(
        [_complement_rule("group", "value"), _complement_rule("school", "value"), _PARTITION_RULE]
    )
    _apply_links(con, table, policy, link_context)
    reason_counts = dict(
        con.execute(
            f"select reason, count(*) from {table} where reason is not null group by reason"
        ).fetchall()
    )
    return SuppressionStats(reason_counts, n_rounds, value_rounds)


def _apply_links(
    con: duckdb.DuckDBPyConnection,
    table: str,
    policy: SuppressionPolicy,
    link_context: str | None = None,
) -> None:
    """Withhold a derived measure's value wherever a cell it is computed from is withheld."""
    columns = "school_year, school_code, student_group, measure, hidden_value"
    bases = f"(select {columns} from {table}" + (
        f" union all select {columns} from {link_context})" if link_context else ")"
    )
    for measure, (base_measure, uses_previous_year) in policy.linked_measures.items():
        previous_year_clause = (
            f"or b.school_year = {previous_school_year_sql('d.school_year')}"
            if uses_previous_year
            else ""
        )
        con.execute(f"""
            update {table} as d
            set hidden_value = true, reason = coalesce(d.reason, 'linked_measure')
            where d.measure = '{measure}' and not d.hidden_value and exists (
                select 1 from {bases} as b
                where b.measure = '{base_measure}'
                    and b.school_code = d.school_code
                    and b.student_group = d.student_group
                    and b.hidden_value
                    and (b.school_year = d.school_year {previous_year_clause})
            )
        """)


def previous_school_year_sql(school_year: str) -> str:
    """SQL for the school year before `school_year` ('2025-26' -> '2024-25')."""
    return (
        f"concat(cast(cast(left({school_year}, 4) as integer) - 1 as varchar), '-', "
        f"substr({school_year}, 3, 2))"
    )
