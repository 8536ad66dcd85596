"""Name pools by family background, with the accents and scripts real rosters carry.

Names are drawn from the pool that matches the student's ethnicity and home language, so a roster
has José Hernández and Zoë O'Brien, and Khmer-speaking families sometimes have their names
recorded in Khmer script, as Lowell's SIS does.
"""

from __future__ import annotations

import numpy as np

FIRST = {
    "hispanic": [
        "José",
        "María",
        "Sofía",
        "Matías",
        "Valentina",
        "Andrés",
        "Camila",
        "Jesús",
        "Ximena",
        "Ángel",
        "Lucía",
        "Íker",
        "Mateo",
        "Santiago",
        "Daniela",
        "Isabella",
        "Diego",
        "Guadalupe",
        "Emiliano",
        "Renata",
        "Joaquín",
        "Marisol",
        "Luis",
        "Génesis",
        "Adrián",
        "Natalia",
        "Cristóbal",
        "Jazmín",
    ],
    "white": [
        "Emma",
        "Zoë",
        "Noah",
        "Liam",
        "Olivia",
        "Chloé",
        "Renée",
        "Jack",
        "Ava",
        "Lucas",
        "Amelia",
        "Owen",
        "Charlotte",
        "Henry",
        "Nora",
        "João",
        "Conceição",
        "Gabriel",
        "Ana",
        "Mia",
        "Ethan",
        "Grace",
        "Aiden",
        "Léa",
    ],
    "black": [
        "Aaliyah",
        "Jayden",
        "Imani",
        "Malik",
        "Nia",
        "Darius",
        "Zuri",
        "Kofi",
        "Amara",
        "Jaylen",
        "Ayanna",
        "Kwame",
        "Ebony",
        "Andre",
        "Nana",
        "Tiana",
        "Marcus",
    ],
    "cambodian": [
        "Sophea",
        "Dara",
        "Vanna",
        "Sokha",
        "Chanthou",
        "Bopha",
        "Rithy",
        "Sovann",
        "Kosal",
        "Srey",
        "Pisey",
        "Visal",
        "Sreymom",
        "Kimheng",
        "Davin",
    ],
    "asian": [
        "Wei",
        "Mei",
        "Minh",
        "Linh",
        "Jae-won",
        "Hana",
        "Kevin",
        "Emily",
        "Yuna",
        "Bao",
        "Anh",
        "Hiroshi",
        "Ji-woo",
        "Tuấn",
        "Thảo",
    ],
    "filipino": [
        "Angelo",
        "Jasmine",
        "Miguel",
        "Princess",
        "Mark",
        "Kristine",
        "Joshua",
        "Andrea",
        "Rafael",
        "Bea",
        "Paolo",
    ],
}
LAST = {
    "hispanic": [
        "García",
        "Hernández",
        "López",
        "Martínez",
        "González",
        "Rodríguez",
        "Pérez",
        "Sánchez",
        "Ramírez",
        "Flores",
        "Gómez",
        "Díaz",
        "Cruz",
        "Morales",
        "Ortiz",
        "Núñez",
        "Peña",
        "Castillo",
        "Jiménez",
        "Vásquez",
        "Muñoz",
        "Reyes",
        "Ibáñez",
    ],
    "white": [
        "Smith",
        "O'Brien",
        "Sullivan",
        "Murphy",
        "Silva",
        "Costa",
        "Müller",
        "Walsh",
        "Nguyen-Smith",
        "Anderson",
        "Kowalski",
        "Brennan",
        "Souza",
        "Pereira",
        "Dubois",
        "Thompson",
        "Miller",
        "Fitzgerald",
        "Lefèvre",
    ],
    "black": [
        "Johnson",
        "Williams",
        "Brown",
        "Jackson",
        "Mensah",
        "Osei",
        "Owusu",
        "Davis",
        "Harris",
        "Robinson",
        "Okafor",
        "Baptiste",
        "Boateng",
        "Washington",
    ],
    "cambodian": [
        "Sok",
        "Chea",
        "Keo",
        "Chhim",
        "Prak",
        "Nhem",
        "Meas",
        "Heng",
        "Kim",
        "Sam",
        "Chhun",
        "Ouk",
        "Phan",
        "Touch",
    ],
    "asian": [
        "Nguyen",
        "Tran",
        "Le",
        "Chen",
        "Wang",
        "Kim",
        "Park",
        "Lee",
        "Pham",
        "Zhang",
        "Liu",
        "Tanaka",
        "Huỳnh",
    ],
    "filipino": [
        "Santos",
        "Reyes",
        "Cruz",
        "Bautista",
        "Dela Cruz",
        "Villanueva",
        "Mendoza",
        "Garcia",
        "Ramos",
        "Aquino",
        "Navarro",
    ],
}
# Khmer-script renderings used for part of the Khmer-speaking families.
KHMER_FIRST = ["សុភា", "ដារ៉ា", "វណ្ណា", "សុខា", "បុប្ផា", "រិទ្ធី", "សុវណ្ណ", "កុសល", "ស្រី"]
KHMER_LAST = ["សុខ", "ជា", "កែវ", "ឈឹម", "ប្រាក់", "ញ៉ែម", "មាស", "ហេង", "គីម"]
BACKGROUNDS = list(FIRST)


def draw_names(
    background: np.ndarray, use_khmer_script: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First, middle (often empty, as in real rosters) and last names per student."""
    n = len(background)
    first = np.empty(n, dtype=object)
    middle = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for key in BACKGROUNDS:
        idx = np.flatnonzero(background == key)
        if idx.size == 0:
            continue
        pool_first = np.array(FIRST[key], dtype=object)
        first[idx] = pool_first[rng.integers(0, len(pool_first), idx.size)]
        middle[idx] = pool_first[rng.integers(0, len(pool_first), idx.size)]
        pool_last = np.array(LAST[key], dtype=object)
        last[idx] = pool_last[rng.integers(0, len(pool_last), idx.size)]
    khmer = np.flatnonzero(use_khmer_script)
    first[khmer] = np.array(KHMER_FIRST, dtype=object)[
        rng.integers(0, len(KHMER_FIRST), khmer.size)
    ]
    last[khmer] = np.array(KHMER_LAST, dtype=object)[rng.integers(0, len(KHMER_LAST), khmer.size)]
    middle[rng.random(n) < 0.45] = ""
    middle[khmer] = ""
    return first, middle, last
