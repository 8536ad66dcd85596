"""Schools: elementary (KN-05), middle (06-08) and high (09-12), each in a neighbourhood zone.

Zones carry a need index (share of low-income families, home languages); students live in a zone
and attend its feeder schools, so schools differ from one another the way real ones do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.profiles import Profile
from synthetic_district.school_calendar import TRACK_COUNT

NAME_ROOTS = [
    "Washington",
    "Lincoln",
    "Roosevelt",
    "Jefferson",
    "Cesar Chavez",
    "Dolores Huerta",
    "Mary McLeod Bethune",
    "Sally Ride",
    "Maya Angelou",
    "Thurgood Marshall",
    "Bartlett",
    "Pawtucket",
    "Riverside",
    "Greenhalge",
    "McAuliffe",
    "Daley",
    "Sullivan",
    "Stoklosa",
    "Wang",
    "Robinson",
    "Murkland",
    "Morey",
    "Shaughnessy",
    "Lincoln Heights",
    "Echo Park",
    "Boyle Heights",
    "Van Nuys",
    "Venice",
    "Garfield",
    "Roybal",
    "Huntington Park",
    "Sepulveda",
    "Harbor",
    "Vista",
    "Oakwood",
    "Hillside",
    "Lakeview",
    "Sunrise",
    "Valley View",
    "Mountain",
    "Franklin",
    "Kennedy",
    "King",
    "Sotomayor",
    "Kahlo",
    "Ochoa",
    "Carver",
    "Douglass",
]
STREETS = [
    "Main St",
    "Broadway",
    "Central Ave",
    "School St",
    "Park Ave",
    "Oak St",
    "Elm St",
    "Pine St",
    "Maple Ave",
    "Lakeview Ave",
    "Bridge St",
    "Chelmsford St",
    "Figueroa St",
    "Vermont Ave",
    "Olympic Blvd",
    "Sunset Blvd",
    "Pico Blvd",
    "Western Ave",
]
LEVEL_SUFFIX = {"ES": "Elementary School", "MS": "Middle School", "HS": "High School"}


@dataclass(frozen=True)
class Schools:
    """Column arrays, one entry per school, in school_code order."""

    codes: np.ndarray
    names: np.ndarray
    levels: np.ndarray
    tracks: np.ndarray
    zones: np.ndarray  # the neighbourhood zone a school mostly serves
    zone_need: np.ndarray  # need index per zone (0 = affluent, 1 = highest need)
    streets: np.ndarray
    zips: np.ndarray
    phones: np.ndarray
    opened_days: np.ndarray

    def of_level(self, level: str) -> np.ndarray:
        return np.flatnonzero(self.levels == level)


def build_schools(profile: Profile, rng: np.random.Generator) -> Schools:
    """Schools of the profile; zones are as many as elementary schools."""
    counts = {
        "ES": profile.elementary_schools,
        "MS": profile.middle_schools,
        "HS": profile.high_schools,
    }
    levels = np.concatenate([np.full(n, lvl) for lvl, n in counts.items()])
    n = len(levels)
    n_zones = profile.elementary_schools
    zones = np.concatenate([(np.arange(k) * n_zones // max(k, 1)) for k in counts.values()]).astype(
        np.int32
    )
    zone_need = np.clip(rng.beta(2.2, 1.6, size=n_zones), 0.02, 0.98)
    roots = np.array(NAME_ROOTS)
    names = []
    used: set[str] = set()
    for i, lvl in enumerate(levels):
        root = roots[(i * 7 + rng.integers(0, len(roots))) % len(roots)]
        name = f"{root} {LEVEL_SUFFIX[lvl]}"
        if name in used:
            name = (
                f"{root} {('Community', 'Academy', 'Magnet', 'STEAM', 'Global')[i % 5]} "
                f"{LEVEL_SUFFIX[lvl]}"
            )
        if name in used:
            name = f"{root} {LEVEL_SUFFIX[lvl]} No. {i + 1}"
        used.add(name)
        names.append(name)
    codes = np.array([f"{profile.school_code_base + i + 1:07d}" for i in range(n)])
    street_no = rng.integers(10, 9999, size=n)
    streets = np.array(
        [
            f"{no} {STREETS[k]}"
            for no, k in zip(street_no, rng.integers(0, len(STREETS), size=n), strict=True)
        ]
    )
    zip_tail = rng.integers(0, 10 ** (5 - len(profile.zip_prefix)), size=n)
    width = 5 - len(profile.zip_prefix)
    zips = np.array([f"{profile.zip_prefix}{z:0{width}d}" for z in zip_tail])
    phones = np.array(
        [f"({profile.phone_area}) 555-{p:04d}" for p in rng.integers(100, 9999, size=n)]
    )
    # Opened between 1890 and 2015; a district's buildings are mostly old.
    opened_days = rng.integers(-29_000, 16_500, size=n).astype(np.int32)
    tracks = np.where(rng.random(n) < 0.8, 0, rng.integers(1, TRACK_COUNT, size=n))
    return Schools(
        codes,
        np.array(names),
        levels,
        tracks.astype(np.int32),
        zones,
        zone_need,
        streets,
        zips,
        phones,
        opened_days,
    )
