"""Fall school-experience survey: 28 items over the seven constructs, one wide export a year.

About 60% of students in grades 3-12 answer (fewer in high school); answers come from the
student's connectedness plus a construct draw, higher for younger students and improving a
little each year after 2021-22, with small group differences. Reversed items are stored as
answered, and about 3% of items are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic_district.enrolment import NO_DATE, StudentTable, YearSpans

ITEMS: list[tuple[str, str, str, bool]] = [
    ("Growth Mindset", "SEL", "My intelligence is something I can change.", False),
    ("Growth Mindset", "SEL", "Challenging myself won't make me any smarter.", True),
    ("Growth Mindset", "SEL", "I can learn things I once thought were too hard.", False),
    ("Growth Mindset", "SEL", "If I fail at something, it means I am not good at it.", True),
    ("Self-Efficacy", "SEL", "I can earn an A in my classes.", False),
    ("Self-Efficacy", "SEL", "I can do well on all my tests, even when they're difficult.", False),
    ("Self-Efficacy", "SEL", "I can master the hardest topics in my classes.", False),
    ("Self-Efficacy", "SEL", "I can meet all the learning goals my teachers set.", False),
    ("Self-Management", "SEL", "I came to class prepared.", False),
    ("Self-Management", "SEL", "I remembered and followed directions.", False),
    (
        "Self-Management",
        "SEL",
        "I got my work done right away instead of waiting until the last minute.",
        False,
    ),
    ("Self-Management", "SEL", "I often lose my temper when things don't go my way.", True),
    ("Social Awareness", "SEL", "I carefully listened to other people's points of view.", False),
    ("Social Awareness", "SEL", "I was polite to adults.", False),
    ("Social Awareness", "SEL", "I got along with students who are different from me.", False),
    ("Social Awareness", "SEL", "I found it hard to understand how others were feeling.", True),
    ("Sense of Belonging", "CLIMATE", "I feel like I am part of this school.", False),
    (
        "Sense of Belonging",
        "CLIMATE",
        "There is an adult at this school who cares about me.",
        False,
    ),
    ("Sense of Belonging", "CLIMATE", "I feel left out at this school.", True),
    ("Sense of Belonging", "CLIMATE", "I am happy to be at this school.", False),
    ("Safety", "CLIMATE", "I feel safe at school.", False),
    ("Safety", "CLIMATE", "I feel safe going to and from school.", False),
    ("Safety", "CLIMATE", "Students at this school are often bullied.", True),
    ("Safety", "CLIMATE", "I feel safe in the hallways and bathrooms.", False),
    ("Climate of Support", "CLIMATE", "Teachers at this school treat students fairly.", False),
    ("Climate of Support", "CLIMATE", "Adults at this school encourage me to work hard.", False),
    ("Climate of Support", "CLIMATE", "Teachers expect all students to do their best.", False),
    ("Climate of Support", "CLIMATE", "Adults here do not listen to students' ideas.", True),
]
ITEM_IDS = [f"Q{i + 1:02d}" for i in range(len(ITEMS))]
CONSTRUCTS = sorted({c for c, *_ in ITEMS}, key=[c for c, *_ in ITEMS].index)


def scale_max(construct_type: str) -> int:
    return 5 if construct_type == "SEL" else 4


def improvement(start_year: int) -> float:
    """Latent shift: a low after 2021-22, recovering about 0.06 SD a year."""
    return 0.06 * max(start_year - 2021, 0)


@dataclass
class SurveyResponses:
    student: np.ndarray
    school: np.ndarray
    grade: np.ndarray
    started_at_s: np.ndarray  # seconds since epoch
    submitted_at_s: np.ndarray
    values: np.ndarray  # (n, items) int, 0 = skipped


def draw_responses(
    sp: YearSpans,
    students: StudentTable,
    survey_day: int,
    window_days: int,
    rng: np.random.Generator,
) -> SurveyResponses:
    on_roll = (sp.entry_day <= survey_day) & (
        (sp.exit_day == NO_DATE) | (sp.exit_day >= survey_day)
    )
    eligible = np.flatnonzero(on_roll & (sp.grade >= 3))
    rate = np.where(sp.grade[eligible] >= 9, 0.50, np.where(sp.grade[eligible] >= 6, 0.62, 0.70))
    idx = eligible[rng.random(eligible.size) < rate]
    stu = sp.student[idx]
    n = idx.size
    grade = sp.grade[idx]
    base = (
        students["connectedness"][stu]
        + improvement(sp.start_year)
        + 0.25 * (grade <= 5)
        - 0.15 * (grade >= 9)
        - 0.15 * students["is_homeless"][stu]
        - 0.20 * students["is_foster"][stu]
        - 0.10 * (students["gender"][stu] == "X")
    )
    values = np.zeros((n, len(ITEMS)), dtype=np.int8)
    construct_draw = {c: 0.5 * rng.standard_normal(n) for c in CONSTRUCTS}
    for j, (construct, ctype, _text, is_reversed) in enumerate(ITEMS):
        top = scale_max(ctype)
        latent = base + construct_draw[construct] + 0.6 * rng.standard_normal(n)
        # Centre so that about 60-70% of answers land in the top two points.
        point = np.clip(np.rint((latent + 1.0) * (top - 1) / 2.6 + 1.75), 1, top).astype(np.int8)
        if is_reversed:
            point = (top + 1 - point).astype(np.int8)
        point[rng.random(n) < 0.03] = 0
        values[:, j] = point
    start_s = (
        (survey_day + rng.integers(0, window_days, n)).astype(np.int64) * 86400
        + 15 * 3600
        + rng.integers(0, 6 * 3600, n)
    )
    weekend = ((start_s // 86400) + 3) % 7 >= 5
    start_s = start_s + weekend * 2 * 86400
    submit_s = start_s + rng.integers(300, 1800, n)
    return SurveyResponses(stu, sp.school[idx], grade, start_s, submit_s, values)
