"""The OULAD source: a generated folder in the real layout is loaded, and every figure
equals a computation straight from its CSV files, for a super admin; platform staff see
nothing of it (it has no schools or classrooms); bad folders are clear errors."""

import csv
import os
import subprocess
import sys
from collections import namedtuple
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import mean

import httpx
import pytest

from analytics.errors import BadSource
from analytics.etl import Source, refresh
from analytics.oulad_sample import SampleOptions, write_sample
from analytics.star import BAD_SCORE
from learnloom.demo import DEMO_ACCOUNTS
from tests.analytics_helpers import assert_summary_figures, expected
from tests.conftest import client_for, make_settings
from tests.helpers import bearer, login

pytestmark = pytest.mark.anyio

Enrollment = namedtuple("Enrollment", "student_id subject_id classroom_id school_id status")
Visit = namedtuple("Visit", "student_id subject_id accessed_at score")
STATUS = {"Pass": "completed", "Distinction": "completed", "Withdrawn": "withdrawn"}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def source_rows(folder: Path) -> tuple[list[Enrollment], list[Visit], dict[str, int]]:
    """Enrollments and visits as the platform tests see them, from the CSV files alone."""
    starts = {}
    for row in read(folder, "courses"):
        code = row["code_presentation"]
        month = {"B": 2, "J": 10}[code[-1]]
        starts[(row["code_module"], code)] = datetime(int(code[:4]), month, 1)
    enrollments = [
        Enrollment(
            int(r["id_student"]),
            f"{r['code_module']}-{r['code_presentation']}",
            None,
            None,
            STATUS.get(r["final_result"], "failed"),
        )
        for r in read(folder, "studentInfo")
    ]
    visits = [
        Visit(
            int(r["id_student"]),
            f"{r['code_module']}-{r['code_presentation']}",
            starts[(r["code_module"], r["code_presentation"])] + timedelta(days=int(r["date"])),
            None,
        )
        for r in read(folder, "studentVle")
    ]
    assessments = {r["id_assessment"]: r for r in read(folder, "assessments")}
    set_per_course: dict[str, int] = {}
    for a in assessments.values():
        course = f"{a['code_module']}-{a['code_presentation']}"
        set_per_course[course] = set_per_course.get(course, 0) + 1
    for r in read(folder, "studentAssessment"):
        a = assessments[r["id_assessment"]]
        start = starts[(a["code_module"], a["code_presentation"])]
        score = None if r["score"] in ("?", "") else float(r["score"])
        visits.append(
            Visit(
                int(r["id_student"]),
                f"{a['code_module']}-{a['code_presentation']}",
                start + timedelta(days=int(r["date_submitted"])),
                score,
            )
        )
    return enrollments, visits, set_per_course


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "oulad", SampleOptions(students=80, impossible_scores=3))


@pytest.fixture
async def client(
    demo_database_url: str, tmp_path: Path, folder: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(demo_database_url, tmp_path)
    result = refresh(
        demo_database_url, settings.warehouse_dir, source=Source.parse(f"oulad:{folder}")
    )
    assert result.full and result.dropped[BAD_SCORE] == 3
    async for client in client_for(settings):
        yield client


async def test_figures_equal_a_computation_from_the_csv_files(
    client: httpx.AsyncClient, folder: Path
) -> None:
    enrollments, visits, assessments_set = source_rows(folder)
    want = expected(enrollments, visits, lambda e: True)
    headers = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])

    async def get(path: str) -> dict:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    await assert_summary_figures(client, headers, want)

    courses = (await get("/api/course-analytics"))["courses"]
    assert [c["course_id"] for c in courses] == sorted({e.subject_id for e in enrollments})
    for course in courses:
        rows = [e for e in enrollments if e.subject_id == course["course_id"]]
        scores = [
            v.score
            for v in visits
            if v.subject_id == course["course_id"] and v.score is not None and v.score <= 100
        ]
        assert course["num_students"] == len(rows)
        assert course["completion_rate"] == pytest.approx(
            sum(e.status == "completed" for e in rows) / len(rows), abs=1e-4
        )
        assert course["average_score"] == pytest.approx(mean(scores), abs=0.051)

    # A student's profile: progress is assessments submitted ÷ assessments set.
    student = enrollments[0].student_id
    profile = await get(f"/api/student/{student}/profile")
    own = [v for v in visits if v.student_id == student]
    assert profile["name"] == f"Student {student}"
    assert profile["hours_watched"] == 0  # OULAD records clicks, not time
    assert profile["last_active"] == max(v.accessed_at for v in own).isoformat() + "Z"
    taken = {e.subject_id for e in enrollments if e.student_id == student}
    course_of = {
        r["id_assessment"]: f"{r['code_module']}-{r['code_presentation']}"
        for r in read(folder, "assessments")
    }
    submitted = sum(
        1
        for r in read(folder, "studentAssessment")
        if int(r["id_student"]) == student and course_of[r["id_assessment"]] in taken
    )
    assert profile["progress"] == pytest.approx(
        submitted / sum(assessments_set[c] for c in taken), abs=1e-4
    )


async def test_platform_staff_see_nothing_of_it(client: httpx.AsyncClient) -> None:
    for role in ("SCHOOL_ADMIN", "TEACHER"):
        headers = bearer((await login(client, DEMO_ACCOUNTS[role]))["access_token"])
        assert (await client.get("/api/total-students", headers=headers)).json() == {
            "total_students": 0
        }
        assert (await client.get("/api/score-trend", headers=headers)).json() == {
            "dates": [],
            "scores": [],
        }


def test_presentations_start_in_february_or_october(tmp_path: Path, folder: Path) -> None:
    refresh("sqlite://", tmp_path / "w", source=Source.parse(f"oulad:{folder}"))
    import duckdb

    from analytics.warehouse import current_version, snapshot_path

    version = current_version(tmp_path / "w")
    assert version is not None
    with duckdb.connect(str(snapshot_path(tmp_path / "w", version)), read_only=True) as db:
        first_click = db.execute(
            "SELECT min(occurred_at) FROM activities WHERE course_id = 'AAA-2013J' AND activity_id LIKE 'vle-%'"
        ).fetchone()[0]  # type: ignore[index]
    earliest = min(
        int(r["date"])
        for r in read(folder, "studentVle")
        if (r["code_module"], r["code_presentation"]) == ("AAA", "2013J")
    )
    assert first_click.date() == date(2013, 10, 1) + timedelta(days=earliest)


def test_bad_folders_and_sources_are_clear_errors(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(BadSource) as missing:
        refresh("sqlite://", tmp_path / "w", source=Source.parse(f"oulad:{tmp_path / 'nowhere'}"))
    assert "courses.csv" in missing.value.details["source"][0]
    (folder / "courses.csv").write_text(
        'code_module,code_presentation,module_presentation_length\n"AAA","2013X",200\n'
    )
    with pytest.raises(BadSource) as bad_code:
        refresh("sqlite://", tmp_path / "w", source=Source.parse(f"oulad:{folder}"))
    assert "2013X" in bad_code.value.details["source"][0]
    assert not list((tmp_path / "w").glob("snapshot-*"))  # nothing half-made was left
    with pytest.raises(BadSource):
        Source.parse("ftp:somewhere")


def test_the_command_line_loads_a_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    env.update(LEARNLOOM_ENV="test", LEARNLOOM_DATA_DIR=str(tmp_path))

    def learnloom(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "learnloom", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = learnloom("etl", "oulad-sample", str(tmp_path / "sample"), "--students", "30")
    assert made.returncode == 0, made.stderr
    loaded = learnloom("etl", "refresh", "--source", f"oulad:{tmp_path / 'sample'}")
    assert loaded.returncode == 0, loaded.stderr
    assert "published" in loaded.stderr + loaded.stdout
    refused = learnloom("etl", "refresh", "--source", f"oulad:{tmp_path / 'nothing'}")
    assert refused.returncode == 2 and "Not an OULAD folder" in refused.stderr + refused.stdout
