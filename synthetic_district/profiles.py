"""District sizes the generator can build.

A profile fixes only the shape of the district (how many students and schools, how many years,
how big a vendor page is); every distribution lives with the domain that draws it, so the three
profiles differ in scale and not in behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Scale of one synthetic district."""

    name: str
    students_per_year: int
    elementary_schools: int
    middle_schools: int
    high_schools: int
    school_years: int
    city: str
    state: str
    zip_prefix: str
    phone_area: str
    # Yearly change of enrolment (LAUSD has been shrinking about 2-3% a year).
    enrolment_trend: float
    # Share of home languages; the Lowell profile has a large Khmer-speaking community.
    khmer_share: float
    page_size: int
    school_code_base: int
    # The district's IANA time zone: its nightly schedule and what "today" is.
    timezone: str

    @property
    def school_count(self) -> int:
        return self.elementary_schools + self.middle_schools + self.high_schools


PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny",
        students_per_year=300,
        elementary_schools=2,
        middle_schools=1,
        high_schools=1,
        school_years=3,
        city="Lowell",
        state="MA",
        zip_prefix="0185",
        phone_area="978",
        enrolment_trend=0.0,
        khmer_share=0.08,
        page_size=200,
        school_code_base=1930000,
        timezone="America/New_York",
    ),
    "demo": Profile(
        name="demo",
        students_per_year=14_500,
        elementary_schools=18,
        middle_schools=7,
        high_schools=3,
        school_years=5,
        city="Lowell",
        state="MA",
        zip_prefix="0185",
        phone_area="978",
        enrolment_trend=-0.005,
        khmer_share=0.08,
        page_size=5000,
        school_code_base=1930000,
        timezone="America/New_York",
    ),
    "lausd": Profile(
        name="lausd",
        students_per_year=420_000,
        elementary_schools=620,
        middle_schools=180,
        high_schools=200,
        school_years=5,
        city="Los Angeles",
        state="CA",
        zip_prefix="900",
        phone_area="213",
        enrolment_trend=-0.025,
        khmer_share=0.002,
        page_size=5000,
        school_code_base=1960000,
        timezone="America/Los_Angeles",
    ),
}


def get_profile(name: str) -> Profile:
    """The named profile, or a ValueError listing the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r}; known profiles: {known}") from None
