"""Disclosure-control settings for the open-data release.

Every threshold here is a district choice (California suppresses below 11, most states below 10),
so each one has a documented default and an environment variable that overrides it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

# Groups whose cells add up to the school's ALL cell. A dimension listed here is exhaustive and
# its groups are mutually exclusive, so a single hidden cell could be recovered by subtraction.
MULTI_GROUP_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "race_ethnicity": ("HI", "AI", "AS", "BL", "PI", "WH", "MR"),
    "gender": ("F", "M", "X"),
}

# Yes/no groups: the unpublished "not in the group" cell equals parent minus group, so it is
# published implicitly whenever both the group and its parent are. Filipino (FI) is a subset of
# Asian (AS), so its parent is AS rather than ALL.
TWO_CELL_GROUP_PARENTS: dict[str, str] = {
    "EL": "ALL",
    "RFEP": "ALL",
    "SWD": "ALL",
    "SED": "ALL",
    "FY": "ALL",
    "HOM": "ALL",
    "HN": "ALL",
    "FI": "AS",
}

ALL_STUDENTS_GROUP = "ALL"
DISTRICT_CODE = "DISTRICT"

# Measures whose published value is computed from another measure's cell; they are withheld
# wherever the base cell is withheld (the risk ratio gives back a group's suspension rate, the
# growth rate gives back this year's or last year's percent favourable).
DEFAULT_LINKED_MEASURES: dict[str, tuple[str, bool]] = {
    # measure: (base measure, also linked to the base cell of the previous school year)
    "SUSPENSION_RISK_RATIO": ("SUSPENSION_RATE", False),
    "SEL_FAVORABLE_GROWTH": ("SEL_FAVORABLE", True),
}

# Measures whose value does not add up across groups or schools (ratios of rates, growth rates):
# n is still additive and protected, but value-level complementary suppression and top/bottom
# coding do not apply to them.
DEFAULT_NON_ADDITIVE_MEASURES: frozenset[str] = frozenset(
    {"SUSPENSION_RISK_RATIO", "SEL_FAVORABLE_GROWTH"}
)

# Measures whose numerators partition the same students: for one (school_year, school_code,
# student_group) the numerators of a set add up to the n they share, so one withheld numerator
# would be n minus the others. Each set is protected like a group equation whose total is n.
DEFAULT_PARTITION_SETS: dict[str, tuple[str, ...]] = {
    "attendance_bands": (
        "ATTENDANCE_BAND_ADVANCED",
        "ATTENDANCE_BAND_PROFICIENT",
        "ATTENDANCE_BAND_BASIC",
        "ATTENDANCE_BAND_BELOW_BASIC",
        "ATTENDANCE_BAND_FAR_BELOW_BASIC",
    ),
}

# Staff breakdowns by race/ethnicity: the cell's count is the number of staff in the group (the
# numerator; n is the school's staff total), protected like a student count with min_n, with
# complementary suppression across groups (the groups add up to the staff total) and across
# schools. The staff count decides, so the measure is taken out of the exempt workforce area.
STAFF_BREAKDOWN_MEASURES: frozenset[str] = frozenset({"STAFF_REPRESENTATION_RATIO"})
# Workforce measures computed from a whole staff breakdown (the share of staff of colour, the
# sum of squared shares): withheld wherever a group of the school's breakdown is withheld. The
# diversity gap also carries the share of students of colour, so it is withheld too wherever a
# race/ethnicity enrolment cell of the school is withheld.
STAFF_SUMMARY_MEASURES: frozenset[str] = frozenset({"STAFF_SIMPSON_INDEX", "STAFF_DIVERSITY_GAP"})
STAFF_STUDENT_SHARE_MEASURES: frozenset[str] = frozenset({"STAFF_DIVERSITY_GAP"})

# Areas whose n counts staff, positions or vacancies rather than students.
DEFAULT_EXEMPT_AREAS: frozenset[str] = frozenset({"workforce"})


MIN_N_ENV = "OPEN_DATA_MIN_N"
"""The one minimum-n setting: the release's primary suppression and the dbt var
`min_n_reporting` the marts' own small-n flags use (the dbt step passes it) read it."""
DEFAULT_MIN_N = 10
"""docs/metrics.md's minimum n, and dbt_project.yml's default for `min_n_reporting`."""


def min_n_setting(env: Mapping[str, str] | None = None) -> int:
    """OPEN_DATA_MIN_N, else the default; a value below 1 is refused."""
    raw = (os.environ if env is None else env).get(MIN_N_ENV, "").strip()
    min_n = int(raw) if raw else DEFAULT_MIN_N
    if min_n < 1:
        raise ValueError(f"{MIN_N_ENV} must be at least 1, got {min_n}")
    return min_n


def _int_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _float_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class SuppressionPolicy:
    """The disclosure-control rules applied to every published cell.

    min_n: a cell whose student count is below this is suppressed (primary suppression).
    coding_max_n: a percent for a group with fewer students than this is top/bottom coded when
        it is at or below coding_low_percent or at or above coding_high_percent. With the
        defaults (100, 5, 95) a coded cell stands for fewer than 5 students in or out of the
        category, which is the case the rule is meant to protect.
    partition_sets: set name -> measure codes whose numerators add up to their shared n for one
        school, year and group (an empty mapping turns the partition rule off).
    """

    min_n: int = DEFAULT_MIN_N
    coding_max_n: int = 100
    coding_low_percent: float = 5.0
    coding_high_percent: float = 95.0
    exempt_areas: frozenset[str] = DEFAULT_EXEMPT_AREAS
    non_additive_measures: frozenset[str] = DEFAULT_NON_ADDITIVE_MEASURES
    linked_measures: dict[str, tuple[str, bool]] = field(
        default_factory=lambda: dict(DEFAULT_LINKED_MEASURES)
    )
    partition_sets: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_PARTITION_SETS)
    )

    @property
    def primary_reason(self) -> str:
        return f"primary_n_below_{self.min_n}"

    @classmethod
    def from_env(cls, min_n: int | None = None) -> SuppressionPolicy:
        """Read overrides from OPEN_DATA_MIN_N, OPEN_DATA_CODING_MAX_N,
        OPEN_DATA_CODING_LOW_PERCENT, OPEN_DATA_CODING_HIGH_PERCENT and
        OPEN_DATA_EXEMPT_AREAS (comma-separated); an explicit min_n wins over the environment."""
        exempt_raw = os.environ.get("OPEN_DATA_EXEMPT_AREAS")
        exempt = (
            frozenset(a.strip() for a in exempt_raw.split(",") if a.strip())
            if exempt_raw is not None
            else DEFAULT_EXEMPT_AREAS
        )
        policy = cls(
            min_n=min_n if min_n is not None else min_n_setting(),
            coding_max_n=_int_from_env("OPEN_DATA_CODING_MAX_N", 100),
            coding_low_percent=_float_from_env("OPEN_DATA_CODING_LOW_PERCENT", 5.0),
            coding_high_percent=_float_from_env("OPEN_DATA_CODING_HIGH_PERCENT", 95.0),
            exempt_areas=exempt,
        )
        if policy.min_n < 1:
            raise ValueError(f"min_n must be at least 1, got {policy.min_n}")
        return policy
