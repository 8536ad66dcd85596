"""Course marks for grades 6-12: six year-long courses, marked each semester.

High school schedules follow the UC/CSU A-G sequence (English every year, three years of math,
two of lab science, two of history, two of a world language, a year of art and an elective);
students placed in support sections take versions without A-G approval. Marks follow the
student's ability plus term noise, so about 55-65% of graduates end with every A-G course at C
or better, and F's cluster among the students the early-warning flags should find.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.enrolment import StudentTable, YearSpans

# (course_id, course_title, subject_area, is_core, ag_area); the second tuple is the support
# version without A-G approval, used for students placed below grade level.
Course = tuple[str, str, str, str, str]
SCHEDULE: dict[int, list[tuple[Course, Course | None]]] = {
    6: [
        (("ENG06", "English 6", "ELA", "Y", ""), None),
        (("MTH06", "Math 6", "MATH", "Y", ""), None),
        (("SCI06", "Science 6", "SCI", "Y", ""), None),
        (("HIS06", "World Geography 6", "SOC", "Y", ""), None),
        (("PE06", "Physical Education 6", "PE", "N", ""), None),
        (("ADV06", "Advisory 6", "ELEC", "N", ""), None),
    ],
    7: [
        (("ENG07", "English 7", "ELA", "Y", ""), None),
        (("MTH07", "Math 7", "MATH", "Y", ""), None),
        (("SCI07", "Science 7", "SCI", "Y", ""), None),
        (("HIS07", "World History 7", "SOC", "Y", ""), None),
        (("PE07", "Physical Education 7", "PE", "N", ""), None),
        (("ART07", "Art 7", "ART", "N", ""), None),
    ],
    8: [
        (("ENG08", "English 8", "ELA", "Y", ""), None),
        (("MTH08", "Math 8", "MATH", "Y", ""), None),
        (("SCI08", "Science 8", "SCI", "Y", ""), None),
        (("HIS08", "U.S. History 8", "SOC", "Y", ""), None),
        (("PE08", "Physical Education 8", "PE", "N", ""), None),
        (("MUS08", "Music 8", "ART", "N", ""), None),
    ],
    9: [
        (("ENG09", "English 9", "ELA", "Y", "b"), ("ENG09S", "English 9 Support", "ELA", "Y", "")),
        (("ALG1", "Algebra 1", "MATH", "Y", "c"), ("MTH09S", "Math Foundations", "MATH", "Y", "")),
        (("BIO", "Biology", "SCI", "Y", "d"), ("SCI09S", "Earth Science", "SCI", "Y", "")),
        (("SPN1", "Spanish 1", "WL", "N", "e"), None),
        (("ETH", "Ethnic Studies", "SOC", "Y", "g"), None),
        (("PE09", "Physical Education 9", "PE", "N", ""), None),
    ],
    10: [
        (("ENG10", "English 10", "ELA", "Y", "b"), None),
        (("GEOM", "Geometry", "MATH", "Y", "c"), ("MTH10S", "Applied Math", "MATH", "Y", "")),
        (("WHIS", "World History", "SOC", "Y", "a"), None),
        (("CHEM", "Chemistry", "SCI", "Y", "d"), ("SCI10S", "Integrated Science", "SCI", "Y", "")),
        (
            ("SPN2", "Spanish 2", "WL", "N", "e"),
            ("ELD", "English Language Development", "ELEC", "N", ""),
        ),
        (("PE10", "Physical Education 10", "PE", "N", ""), None),
    ],
    11: [
        (("ENG11", "English 11", "ELA", "Y", "b"), None),
        (("ALG2", "Algebra 2", "MATH", "Y", "c"), ("MTH11S", "Financial Math", "MATH", "Y", "")),
        (("USHIS", "U.S. History", "SOC", "Y", "a"), None),
        (("PHYS", "Physics", "SCI", "Y", "d"), None),
        (("ART1", "Visual Arts 1", "ART", "N", "f"), None),
        (("CAR1", "Career Pathway", "ELEC", "N", ""), None),
    ],
    12: [
        (("ENG12", "English 12", "ELA", "Y", "b"), None),
        (("GOVEC", "Government and Economics", "SOC", "Y", "g"), None),
        (("STAT", "Statistics", "MATH", "N", "c"), None),
        (("PSY", "Psychology", "ELEC", "N", "g"), None),
        (("ART2", "Visual Arts 2", "ART", "N", "f"), None),
        (("CAR2", "Career Pathway 2", "ELEC", "N", ""), None),
    ],
}
MARKS = np.array(
    ["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"], dtype=object
)
# Upper-bound thresholds on the latent mark score between consecutive marks above.
MARK_CUTS = np.array(
    [-1.45, -1.30, -1.15, -1.00, -0.80, -0.45, -0.15, 0.10, 0.40, 0.65, 0.95, 1.60]
)
CREDITS_PER_SEMESTER = 5.0
CATALOG: list[Course] = [
    c for schedule in SCHEDULE.values() for pair in schedule for c in pair if c is not None
]
CATALOG_INDEX = {c[0]: i for i, c in enumerate(CATALOG)}


@dataclass
class CourseMarks:
    span: np.ndarray
    term: np.ndarray
    course: np.ndarray  # index into CATALOG
    credits_attempted: np.ndarray
    credits_earned: np.ndarray
    mark: np.ndarray


def support_placement(ability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whether a student sits in non-A-G support sections (about a fifth of students)."""
    return rng.random(ability.size) < 1 / (1 + np.exp(3.0 * (ability + 1.50)))


def mark_scores(ability: np.ndarray, n_courses: int, rng: np.random.Generator) -> np.ndarray:
    """Latent mark score per student and course: ability, a term effect and course noise."""
    term_effect = 0.30 * rng.standard_normal((ability.size, 1))
    return (
        0.85 * ability[:, None]
        + 0.85
        + term_effect
        + 0.25 * rng.standard_normal((ability.size, n_courses))
    )


def draw_course_marks(
    sp: YearSpans,
    students: StudentTable,
    term_end_days: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
) -> CourseMarks:
    pieces = []
    secondary = sp.grade >= 6
    support = support_placement(students["ability"][sp.student], rng)
    for term, end_day in zip(("S1", "S2"), term_end_days, strict=True):
        covered = secondary & (sp.entry_day <= end_day) & (sp.last_known_day >= end_day)
        for grade, schedule in SCHEDULE.items():
            idx = np.flatnonzero(covered & (sp.grade == grade))
            if idx.size == 0:
                continue
            scores = mark_scores(students["ability"][sp.student[idx]], len(schedule), rng)
            for c, (course, alt) in enumerate(schedule):
                chosen = np.full(idx.size, CATALOG_INDEX[course[0]], dtype=np.int16)
                if alt is not None:
                    chosen[support[idx]] = CATALOG_INDEX[alt[0]]
                mark = MARKS[np.searchsorted(MARK_CUTS, scores[:, c])]
                if course[0].startswith("ADV"):
                    mark = np.where(scores[:, c] > -1.2, "P", "NP").astype(object)
                earned = np.where((mark == "F") | (mark == "NP"), 0.0, CREDITS_PER_SEMESTER)
                pieces.append(
                    CourseMarks(
                        idx,
                        np.full(idx.size, term, dtype=object),
                        chosen,
                        np.full(idx.size, CREDITS_PER_SEMESTER),
                        earned,
                        mark,
                    )
                )
    if not pieces:
        empty = np.zeros(0)
        return CourseMarks(
            empty.astype(np.int64),
            empty.astype(object),
            empty.astype(np.int16),
            empty,
            empty,
            empty.astype(object),
        )
    out = CourseMarks(
        *(
            np.concatenate([getattr(p, f) for p in pieces])
            for f in ("span", "term", "course", "credits_attempted", "credits_earned", "mark")
        )
    )
    return out
