"""The code sets each source promises (ingestion/SOURCES.md), in one place for the raw suites."""

GRADE_LEVELS = ["TK", "KN", *[f"{g:02d}" for g in range(1, 13)]]
RACE_CODES = ["AI", "AS", "BL", "PI", "WH", "FI"]
YES_NO = ["Y", "N"]

CODE_SETS: dict[tuple[str, str], list] = {
    ("sis__schools", "school_level"): ["ES", "MS", "HS"],
    ("sis__schools", "is_active"): YES_NO,
    ("sis__students", "gender"): ["F", "M", "X"],
    ("sis__students", "is_hispanic_latino"): YES_NO,
    ("sis__program_spans", "program_code"): ["EL", "RFEP", "IEP", "504", "SED", "FOSTER", "HOMELESS"],
    ("sis__calendar_days", "day_type"): ["INSTR", "HOL", "PD", "BRK"],
    ("sis__enrollments", "grade_level"): GRADE_LEVELS,
    ("sis__enrollments", "entry_code"): ["E1", "E2", "E3"],
    ("sis__enrollments", "exit_code"): ["T1", "T2", "W1", "GR", "PR"],
    ("sis__attendance", "attendance_code"): ["EXC", "UNX", "OSS", "ISS", "TDY", "PRT"],
    ("sis__assessments", "subject"): ["ELA", "MATH"],
    ("sis__assessments", "grade_tested"): ["03", "04", "05", "06", "07", "08", "11"],
    ("sis__assessments", "performance_level"): [1, 2, 3, 4],
    ("sis__course_grades", "term"): ["S1", "S2"],
    ("sis__course_grades", "subject_area"): ["ELA", "MATH", "SCI", "SOC", "WL", "ART", "ELEC", "PE"],
    ("sis__course_grades", "is_core"): YES_NO,
    ("sis__course_grades", "ag_area"): list("abcdefg"),
    ("sis__course_grades", "mark"): ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D",
                                     "D-", "F", "P", "NP"],
    ("sis__discipline_incidents", "action_code"): ["OSS", "ISS", "EXP", "DET", "OTH"],
    ("hr__positions", "job_category"): ["CERT", "CLAS"],
    ("hr__assignments", "job_category"): ["CERT", "CLAS"],
    ("hr__vacancies", "job_category"): ["CERT", "CLAS"],
    ("hr__vacancies", "status"): ["OPEN", "FILLED", "CANCELLED"],
    ("hr__application_events", "stage"): ["applied", "screened", "interviewed", "offered", "hired"],
    ("tutoring__sessions", "service_type"): ["On-Demand Homework Help",
                                             "Locally Designed Intervention", "High-Dose Tutoring"],
    ("tutoring__sessions", "status"): ["completed", "no_show", "cancelled"],
    ("survey__items", "construct"): ["Growth Mindset", "Self-Efficacy", "Self-Management",
                                     "Social Awareness", "Sense of Belonging", "Safety",
                                     "Climate of Support"],
    ("survey__items", "construct_type"): ["SEL", "CLIMATE"],
    ("survey__items", "is_reversed"): YES_NO,
    ("survey__responses", "season"): ["fall", "spring"],
    ("planning__school_targets", "trajectory"): ["linear", "aggressive", "step-up", "delayed"],
}

# Value ranges: (min, max); None leaves a side open.
RANGES: dict[tuple[str, str], tuple] = {
    ("sis__attendance", "absent_fraction"): (0, 1),
    ("sis__assessments", "scale_score"): (2000, 3000),
    ("sis__course_grades", "credits_attempted"): (0, 20),
    ("sis__course_grades", "credits_earned"): (0, 20),
    ("sis__discipline_incidents", "action_days"): (0, 365),
    ("hr__positions", "fte"): (0, 1.5),
    ("hr__assignments", "fte"): (0, 1.5),
    ("hr__assignments", "annual_salary"): (0, 1_000_000),
    ("tutoring__sessions", "duration_minutes"): (0, 600),
    ("tutoring__acceleration_days", "hours_attended"): (0, 24),
    ("survey__responses", "response_value"): (1, 5),
    ("survey__items", "scale_min"): (0, 1),
    ("survey__items", "scale_max"): (2, 10),
}
