"""Small folders in the layout of the Open University Learning Analytics Dataset, for tests
and for trying the OULAD import without the real dataset (which cannot be downloaded here).
The files have the real column names, quoting and codes; the values are random but
plausible: withdrawn students stop clicking, better students score higher, some scores are
missing (`?`) and, when asked, some are impossible (to exercise the cleaning)."""

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODULES = ("AAA", "BBB", "CCC")
PRESENTATIONS = ("2013B", "2013J", "2014B", "2014J")
REGIONS = ("East Anglian Region", "Scotland", "Wales", "London Region", "South Region")
RESULTS = ("Pass", "Distinction", "Fail", "Withdrawn")


@dataclass(frozen=True)
class SampleOptions:
    students: int = 60
    presentations: int = 2  # per module
    vle_rows_per_student: int = 40
    impossible_scores: int = 2
    seed: int = 7


def write_sample(folder: Path, options: SampleOptions = SampleOptions()) -> Path:
    rng = random.Random(options.seed)
    folder.mkdir(parents=True, exist_ok=True)
    courses = [
        (module, presentation, rng.choice((234, 241, 262, 268)))
        for module in MODULES
        for presentation in PRESENTATIONS[: options.presentations]
    ]
    assessments: list[list[object]] = []
    sites: list[list[object]] = []
    for module, presentation, length in courses:
        for n, kind in enumerate(("TMA", "TMA", "CMA", "Exam")):
            day = min(length, 30 + n * (length // 4))
            assessments.append(
                [module, presentation, len(assessments) + 1000, kind, day, 25 if n < 3 else 100]
            )
        for n in range(5):
            sites.append([len(sites) + 500_000, module, presentation, "resource", n + 1, n + 2])
    info, registrations, submissions, clicks = [], [], [], []
    bad = options.impossible_scores
    for student in range(options.students):
        id_student = 10_000 + student * 7
        ability = rng.random()
        taken = rng.sample(courses, k=rng.choice((1, 1, 2)))
        for module, presentation, length in taken:
            # Abler students pass more often; weaker ones fail or withdraw.
            result = rng.choices(
                RESULTS,
                weights=(1 + 8 * ability, 3 * ability**2, 2 * (1 - ability), 3 * (1 - ability)),
            )[0]
            registered = rng.randint(-60, -5)
            last_day = rng.randint(10, length // 2) if result == "Withdrawn" else length
            info.append(
                [
                    module,
                    presentation,
                    id_student,
                    rng.choice("MF"),
                    rng.choice(REGIONS),
                    "A Level or Equivalent",
                    "50-60%",
                    "0-35",
                    0,
                    60,
                    "N",
                    result,
                ]
            )
            registrations.append(
                [
                    module,
                    presentation,
                    id_student,
                    registered,
                    last_day if result == "Withdrawn" else "",
                ]
            )
            own_sites = [s for s in sites if s[1] == module and s[2] == presentation]
            for _ in range(
                # More engaged students click more; a withdrawal cuts the clicks short.
                int(options.vle_rows_per_student * (0.2 + ability) * last_day / length) + 1
            ):
                clicks.append(
                    [
                        module,
                        presentation,
                        id_student,
                        rng.choice(own_sites)[0],
                        rng.randint(-10, last_day),
                        rng.randint(1, 12),
                    ]
                )
            for assessment in assessments:
                if assessment[0] != module or assessment[1] != presentation:
                    continue
                if int(assessment[4]) > last_day:  # type: ignore[call-overload]
                    continue
                score: object = round(min(100, max(0, rng.gauss(40 + 50 * ability, 12))))
                if rng.random() < 0.05:
                    score = "?"
                elif bad:
                    score, bad = 120 + bad, bad - 1
                submissions.append(
                    [assessment[2], id_student, int(assessment[4]) + rng.randint(-3, 2), 0, score]  # type: ignore[call-overload]
                )
    _write(
        folder,
        "courses",
        ["code_module", "code_presentation", "module_presentation_length"],
        courses,
    )
    _write(
        folder,
        "assessments",
        ["code_module", "code_presentation", "id_assessment", "assessment_type", "date", "weight"],
        assessments,
    )
    _write(
        folder,
        "vle",
        ["id_site", "code_module", "code_presentation", "activity_type", "week_from", "week_to"],
        sites,
    )
    _write(
        folder,
        "studentInfo",
        [
            "code_module",
            "code_presentation",
            "id_student",
            "gender",
            "region",
            "highest_education",
            "imd_band",
            "age_band",
            "num_of_prev_attempts",
            "studied_credits",
            "disability",
            "final_result",
        ],
        info,
    )
    _write(
        folder,
        "studentRegistration",
        [
            "code_module",
            "code_presentation",
            "id_student",
            "date_registration",
            "date_unregistration",
        ],
        registrations,
    )
    _write(
        folder,
        "studentAssessment",
        ["id_assessment", "id_student", "date_submitted", "is_banked", "score"],
        submissions,
    )
    _write(
        folder,
        "studentVle",
        ["code_module", "code_presentation", "id_student", "id_site", "date", "sum_click"],
        clicks,
    )
    return folder


def _write(folder: Path, name: str, header: list[str], rows: list[Any]) -> None:
    # The real files quote text and leave numbers bare.
    with open(folder / f"{name}.csv", "w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        writer.writerows(rows)
