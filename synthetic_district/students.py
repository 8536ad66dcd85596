"""Students: demographics, home language, program needs and the latent traits other domains read.

Shares are set near LAUSD/Lowell public figures (Hispanic majority, Black, White, Asian with a
Cambodian community, Filipino, multi-race; about 70% low income, 13% with an IEP). Each student
also gets persistent latent traits (academic ability, absence and behaviour propensities,
school connectedness) so attendance, scores, marks and survey answers of one student agree with
each other across years, which is what makes gaps and early-warning flags findable.
"""

from __future__ import annotations

import numpy as np

from synthetic_district.names import draw_names
from synthetic_district.profiles import Profile

# Ethnicity categories: (code, base share).
ETHNICITIES = ["HI", "WH", "BL", "AS", "KH", "FI", "PI", "AI", "MR"]
BASE_SHARES = np.array([0.60, 0.12, 0.08, 0.05, 0.0, 0.03, 0.005, 0.005, 0.04])
# How strongly each category's share rises (+) or falls (-) with the zone's need index.
NEED_TILT = np.array([0.9, -1.2, 0.8, -0.6, 0.4, -0.2, 0.0, 0.3, -0.3])
BACKGROUND = {
    "HI": "hispanic",
    "WH": "white",
    "BL": "black",
    "AS": "asian",
    "KH": "cambodian",
    "FI": "filipino",
    "PI": "filipino",
    "AI": "white",
    "MR": "white",
}
RACE_CODES = {"WH": "WH", "BL": "BL", "AS": "AS", "KH": "AS", "FI": "FI", "PI": "PI", "AI": "AI"}
MULTI_RACE = np.array(["BL;WH", "AS;WH", "AI;WH", "AS;BL", "FI;WH", "AS;PI"], dtype=object)
HISPANIC_RACE = np.array(["WH", "WH", "WH", "AI", "AI;WH"], dtype=object)
# Achievement gaps in standard deviations; they reflect opportunity gaps, not students.
ABILITY_SHIFT = {
    "HI": -0.25,
    "WH": 0.35,
    "BL": -0.40,
    "AS": 0.50,
    "KH": -0.10,
    "FI": 0.25,
    "PI": -0.15,
    "AI": -0.30,
    "MR": 0.15,
}


def _choose(prob: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of a probability matrix (rows sum to 1)."""
    cum = np.cumsum(prob, axis=1)
    u = rng.random((prob.shape[0], 1)) * cum[:, -1:]
    return (u > cum).sum(axis=1)


def draw_students(
    zones: np.ndarray,
    zone_need: np.ndarray,
    kindergarten_years: np.ndarray,
    profile: Profile,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Column arrays for len(zones) new students; `kindergarten_years` sets their age."""
    n = len(zones)
    need = zone_need[zones]
    shares = BASE_SHARES.copy()
    shares[ETHNICITIES.index("KH")] = profile.khmer_share
    prob = shares[None, :] * np.exp(NEED_TILT[None, :] * (need[:, None] - 0.5) * 2.0)
    eth = np.array(ETHNICITIES)[_choose(prob, rng)]

    is_hispanic = eth == "HI"
    race = np.empty(n, dtype=object)
    race[is_hispanic] = HISPANIC_RACE[rng.integers(0, len(HISPANIC_RACE), is_hispanic.sum())]
    mr = eth == "MR"
    race[mr] = MULTI_RACE[rng.integers(0, len(MULTI_RACE), mr.sum())]
    for code, race_code in RACE_CODES.items():
        race[eth == code] = race_code

    u = rng.random(n)
    lang = np.full(n, "en", dtype=object)
    lang[is_hispanic & (u < 0.55)] = "es"
    lang[(eth == "KH") & (u < 0.65)] = "km"
    asian_langs = np.array(["zh", "vi", "ko", "ja"], dtype=object)
    as_other = (eth == "AS") & (u < 0.45)
    lang[as_other] = asian_langs[rng.integers(0, 4, as_other.sum())]
    lang[(eth == "FI") & (u < 0.30)] = "tl"
    white_langs = np.array(["pt", "pt", "ru", "ar", "hy"], dtype=object)
    wh_other = (eth == "WH") & (u < 0.12)
    lang[wh_other] = white_langs[rng.integers(0, 5, wh_other.sum())]
    bl_other = (eth == "BL") & (u < 0.15)
    lang[bl_other] = np.array(["fr", "so", "sw"], dtype=object)[rng.integers(0, 3, bl_other.sum())]

    gender = np.where(rng.random(n) < 0.492, "F", "M").astype(object)
    gender[rng.random(n) < 0.004] = "X"

    background = np.array([BACKGROUND[e] for e in eth], dtype=object)
    use_khmer_script = (lang == "km") & (rng.random(n) < 0.35)
    first, middle, last = draw_names(background, use_khmer_script, rng)

    # Born between 2 Sep six years before kindergarten entry and 1 Sep five years before; a few
    # started school a year late.
    late_start = rng.random(n) < 0.03
    sep2 = (kindergarten_years - 6 - late_start - 1970).astype("datetime64[Y]").astype(
        "datetime64[D]"
    ) + np.timedelta64(244, "D")
    birth_days = (sep2.astype(np.int64) + rng.integers(0, 365, n)).astype(np.int32)

    is_sed = rng.random(n) < np.clip(0.30 + 0.60 * need + 0.10 * (lang != "en"), 0, 0.97)
    is_male = gender == "M"
    has_iep = rng.random(n) < np.where(is_male, 0.16, 0.10)
    has_504 = ~has_iep & (rng.random(n) < 0.03)
    is_el_at_entry = (lang != "en") & (rng.random(n) < 0.70)
    is_foster = rng.random(n) < 0.011 * (0.5 + need)
    is_homeless = rng.random(n) < np.where(is_sed, 0.055, 0.01)

    shift = np.vectorize(ABILITY_SHIFT.get, otypes=[float])(eth) if n else np.zeros(0)
    ability = (
        0.85 * rng.standard_normal(n)
        + shift
        - 0.30 * is_sed
        - 0.75 * has_iep
        - 0.35 * is_el_at_entry
        - 0.30 * is_foster
        - 0.20 * is_homeless
        + 0.05
    )
    ela_math = rng.standard_normal((n, 2)) * 0.35
    absence_trait = rng.gamma(1.6, 1 / 1.6, n) * np.exp(-0.15 * ability)
    behaviour_trait = rng.gamma(0.8, 1 / 0.8, n)
    connectedness = rng.standard_normal(n) * 0.8 + 0.25 * ability
    address_zip_tail = rng.integers(0, 10 ** (5 - len(profile.zip_prefix)), n)
    width = 5 - len(profile.zip_prefix)
    zips = np.array([f"{profile.zip_prefix}{z:0{width}d}" for z in address_zip_tail], dtype=object)
    return {
        "zone": zones.astype(np.int32),
        "ethnicity": eth.astype(object),
        "is_hispanic": is_hispanic,
        "race_codes": race,
        "home_language": lang,
        "gender": gender,
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "birth_day": birth_days,
        "is_sed": is_sed,
        "has_iep": has_iep,
        "has_504": has_504,
        "is_el_at_entry": is_el_at_entry,
        "is_foster": is_foster,
        "is_homeless": is_homeless,
        "ability": ability,
        "ability_ela": ability + ela_math[:, 0],
        "ability_math": ability + ela_math[:, 1],
        "absence_trait": absence_trait,
        "behaviour_trait": behaviour_trait,
        "connectedness": connectedness,
        "address_zip": zips,
        "choice_draw": rng.random(n),
    }
