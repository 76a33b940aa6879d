"""The completion model: trained on the demo world it ranks held-out students well, it is
monotone in each public feature, a weak model is not published, and /api/predict answers
the contract (with per-field errors) from whichever model is current; end to end on a
generated OULAD folder too."""

import asyncio
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import bindparam, text

from analytics.completion import (
    FEATURES,
    RISK,
    TEST_SHARE,
    Dataset,
    FeatureSet,
    _student_share,
    auc,
    load_dataset,
    raw,
    split_by_student,
    train,
)
from analytics.etl import Source, refresh
from analytics.horizons import GATE, training_rows
from analytics.model_store import ModelStore, current_version, publish
from analytics.oulad_sample import SampleOptions, write_sample
from analytics.training import Outcome, risk_dir, train_and_publish
from analytics.warehouse import open_current
from learnloom.app import create_app
from learnloom.demo import DEMO_ACCOUNTS, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import DEMO_NOW, client_for, create_database, make_settings, seed_world
from tests.helpers import assert_error, bearer, login
from tests.sql_counter import count_statements

pytestmark = pytest.mark.anyio
CONTRACT_EXAMPLE = {"hours_watched": 12, "average_score": 78, "activity_level": 5}
LEAK = 0.97  # a single feature that separates finished enrollments this well is the outcome


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of a 200-student demo world (SQLite)."""
    folder = tmp_path_factory.mktemp("world")
    url = f"sqlite+aiosqlite:///{folder / 'world.db'}"
    upgrade(url)

    async def seed() -> None:
        engine = make_engine(url)
        try:
            await seed_demo(make_session_factory(engine), DemoOptions(students=200, now=DEMO_NOW))
        finally:
            await engine.dispose()

    asyncio.run(seed())
    refresh(url, folder / "warehouse")
    return folder / "warehouse"


@dataclass(frozen=True)
class Trained:
    outcome: Outcome
    directory: Path  # where the model was published


@pytest.fixture(scope="module")
def trained(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    directory = tmp_path_factory.mktemp("models")
    return Trained(train_and_publish(demo_warehouse, directory, min_auc=0.7), directory)


def test_held_out_students_are_ranked_well_at_every_horizon(trained: Trained) -> None:
    outcome = trained.outcome
    horizons = outcome.trained.horizons
    for name, e in horizons.items():
        print(f"{name}: AUC {e.auc:.3f} Brier {e.brier:.3f} ({e.rows} held-out rows)")
    assert {"week 1", "week 2", "week 4", "week 8", "25% of course", "50% of course"} <= set(
        horizons
    )
    evaluation = outcome.trained.evaluation
    assert evaluation is horizons[GATE] and GATE == "week 2"
    # 200 students: fewer than the demo's 600, so the bars are lower than the figures of
    # docs/prediction.md
    assert horizons["week 2"].auc >= 0.75 and horizons["week 4"].auc >= 0.8
    assert horizons["week 8"].auc > horizons["week 1"].auc  # more known, better ranked
    # The at-risk model reached 0.875 at week 2 and 0.887 at week 4 on this world when its
    # settings were last chosen (docs/prediction.md); a fall well below fails here.
    assert outcome.risk is not None
    risk = outcome.risk.horizons
    assert risk["week 2"].auc >= 0.84 and risk["week 4"].auc >= 0.86, risk
    assert risk["week 2"].brier <= 0.18
    assert outcome.published is not None and outcome.published.metrics["auc"] == evaluation.auc
    published = outcome.published.metrics["horizons"]
    assert {h: m["auc"] for h, m in published.items()} == {h: e.auc for h, e in horizons.items()}
    assert 0 < evaluation.brier < 0.22 and 0 < evaluation.log_loss < 0.7
    assert sum(rows for _, _, rows in evaluation.calibration) == evaluation.rows
    assert 0 < evaluation.caught <= 1


def _outside_rows(warehouse: Path, weeks: int) -> list[tuple[int, dict[str, float], int, str]]:
    """(student, {feature: value} for every at-risk feature, completed, course) of every finished
    enrollment as it stood `weeks` weeks after it started, computed in plain Python from the
    warehouse's base tables (not with analytics/horizons.py's SQL)."""
    with open_current(warehouse) as current:
        assert current is not None
        cursor = current[1].cursor()
        as_of = cursor.execute("SELECT as_of FROM meta").fetchone()[0]
        enrollments = cursor.execute(
            "SELECT student_id, course_id, status, enrolled_at FROM enrollments"
        ).fetchall()
        activities = cursor.execute(
            "SELECT student_id, course_id, occurred_at, minutes, completed FROM activities"
        ).fetchall()
        scores = cursor.execute(
            "SELECT student_id, course_id, occurred_at, score FROM scores"
        ).fetchall()
        lessons = dict(cursor.execute("SELECT course_id, lessons FROM courses").fetchall())
        assert (
            cursor.execute("SELECT count(starts_at) + count(length_days) FROM courses").fetchone()[
                0
            ]
            == 0
        )
    done: dict[tuple[int, str], list[tuple[datetime, float, bool]]] = {}
    everywhere: dict[int, list[tuple[datetime, float, bool]]] = {}
    for student, course, at, minutes, finished in activities:
        done.setdefault((student, course), []).append((at, minutes, finished))
        everywhere.setdefault(student, []).append((at, minutes, finished))
    marks: dict[tuple[int, str], list[tuple[datetime, float]]] = {}
    all_marks: dict[int, list[tuple[datetime, float]]] = {}
    for student, course, at, score in scores:
        marks.setdefault((student, course), []).append((at, score))
        all_marks.setdefault(student, []).append((at, score))
    # A course's length: the median days its completers took (the demo knows no other).
    taken: dict[str, list[float]] = {}
    for student, course, status, enrolled in enrollments:
        last = max((at for at, _, _ in done.get((student, course), [])), default=None)
        if status == "completed" and last is not None and last > enrolled:
            taken.setdefault(course, []).append((last - enrolled).total_seconds() / 86400)
    overall = float(np.median([float(np.median(days)) for days in taken.values()]))
    rows = []
    for student, course, status, enrolled in enrollments:
        seen = done.get((student, course), [])
        last = max((at for at, _, _ in seen), default=None)
        idle = last is None or last <= as_of - timedelta(days=30)
        if status not in ("completed", "withdrawn", "failed") and not idle:
            continue  # still ongoing: not a training row
        days = 7 * weeks
        cutoff = enrolled + timedelta(days=days)
        completed = int(status == "completed")
        if cutoff > as_of or (completed and last is not None and last <= cutoff):
            continue  # not yet reached, or already finished by then
        before = [(at, m, f) for at, m, f in seen if at <= cutoff]
        scored = [(at, score) for at, score in marks.get((student, course), []) if at <= cutoff]
        recent = [score for at, score in scored if at > cutoff - timedelta(days=28)]
        mean = sum(score for _, score in scored) / len(scored) if scored else float("nan")
        length = max(1.0, float(np.median(taken[course])) if course in taken else overall)
        share_done = min(sum(f for _, _, f in before), lessons[course]) / lessons[course]
        latest = max((at for at, _, _ in before), default=enrolled)
        lately = [
            (m, f)
            for at, m, f in everywhere.get(student, [])
            if cutoff - timedelta(days=28) < at <= cutoff
        ]
        anywhere = [score for at, score in all_marks.get(student, []) if at <= cutoff]
        features = {
            "hours_watched": sum(m for _, m, _ in before) / 60,
            "average_score": mean,
            "activity_level": len(before) / weeks,
            "days_idle": (cutoff - latest).total_seconds() / 86400,
            "lesson_pace": share_done / max(1 / length, min(1.0, days / length)),
            "score_trend": sum(recent) / len(recent) - mean if recent else float("nan"),
            "weeks_elapsed": float(weeks),
            "recent_hours_everywhere": sum(m for m, _ in lately) / 60,
            "recent_lessons_everywhere": sum(f for _, f in lately),
            "average_score_everywhere": (
                sum(anywhere) / len(anywhere) if anywhere else float("nan")
            ),
        }
        rows.append((student, features, completed, course))
    return rows


def _rank_auc(scores: list[float], labels: list[int]) -> float:
    pairs = [(s, y) for s, y in zip(scores, labels, strict=True)]
    positives = [s for s, y in pairs if y == 1]
    negatives = [s for s, y in pairs if y == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


@pytest.mark.parametrize("weeks", [2, 4])
def test_the_reported_figures_match_an_outside_computation(
    trained: Trained, demo_warehouse: Path, weeks: int
) -> None:
    """What a teacher is told about weeks 2 and 4 is what the deployed model does on
    held-out students' figures at that moment, computed here without the training code's
    SQL; and its likelihoods then are calibrated, not all near 0."""
    horizon = f"week {weeks}"
    rows = _outside_rows(demo_warehouse, weeks)
    # The training SQL computed the same figures for the same enrollments.
    with open_current(demo_warehouse) as current:
        assert current is not None
        learnt = {
            (r.student_id, r.course_id): r
            for r in training_rows(current[1].cursor())
            if r.horizon == horizon
        }
    assert len(learnt) == len(rows)
    for student, features, completed, course in rows:
        row = learnt[(student, course)]
        assert row.completed == completed
        for name, value in features.items():
            theirs = getattr(row, name)
            if math.isnan(value):
                assert theirs is None, (student, course, name)
            else:
                assert theirs == pytest.approx(value, abs=1e-4), (student, course, name)
    students = np.array([student for student, _, _, _ in rows])
    held_out = _student_share(students, 17) < TEST_SHARE
    labels = [y for (_, _, y, _), kept in zip(rows, held_out, strict=True) if kept]
    for directory, columns in (
        (trained.directory, FEATURES),
        (risk_dir(trained.directory), RISK.columns),
    ):
        model = ModelStore(directory).current()
        assert model is not None and model.info.features == list(columns)
        features = np.array([[f[name] for name in columns] for _, f, _, _ in rows])[held_out]
        predicted = model.predict(features)
        reported = model.info.metrics["horizons"][horizon]
        assert reported["test_rows"] == len(labels)
        found = _rank_auc(predicted.tolist(), labels)
        print(f"{directory.name}: {horizon} AUC {found:.3f} here, {reported['auc']:.3f} reported")
        assert abs(found - reported["auc"]) <= 0.03
        assert abs(float(predicted.mean()) - sum(labels) / len(labels)) <= 0.1


def test_no_feature_is_the_outcome_in_disguise(demo_warehouse: Path) -> None:
    """A feature that alone ranks finished enrollments almost perfectly is the label seen
    from the end. The end-of-enrollment share of lessons completed is one (the check can
    fail); none of the at-risk model's point-in-time features is, at any horizon."""
    with open_current(demo_warehouse) as current:
        assert current is not None
        cursor = current[1].cursor()
        data = load_dataset(cursor, RISK)
        end_state = cursor.execute("""
            SELECT least(1.0, e.completed_lessons / c.lessons), CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END
            FROM enrollments e JOIN courses c USING (course_id)
            WHERE c.lessons > 0 AND e.status IN ('completed', 'withdrawn')
        """).fetchall()

    def separation(values: np.ndarray, labels: np.ndarray) -> float:
        known = ~np.isnan(values)
        found = auc(values[known], labels[known])
        return max(found, 1 - found)

    share = np.array([float(v) for v, _ in end_state])
    assert separation(share, np.array([y for _, y in end_state], dtype=float)) >= LEAK
    for horizon in set(data.horizons.tolist()):
        inside = data.horizons == horizon
        for column, name in enumerate(RISK.columns):
            found = separation(data.features[inside, column], data.labels[inside])
            assert found < LEAK, (horizon, name, found)


def test_the_test_students_do_not_shape_the_model(demo_warehouse: Path) -> None:
    """The number of rounds (cross-validation), the trees and the calibration come from the
    training and calibration students alone: turning every test student's outcome around
    changes the reported figures, not the model."""
    with open_current(demo_warehouse) as current:
        assert current is not None
        data = load_dataset(current[1].cursor())
    first = train(data)
    held_out = _student_share(data.students, 17) < TEST_SHARE
    flipped = Dataset(
        data.features,
        np.where(held_out, 1 - data.labels, data.labels),
        data.students,
        data.horizons,
    )
    second = train(flipped)
    assert second.rounds == first.rounds > 1
    probe = data.features[:200]
    assert np.array_equal(raw(first.booster, probe), raw(second.booster, probe))
    assert second.calibration == first.calibration
    assert second.evaluation.auc < 0.5 < first.evaluation.auc


def test_no_student_is_in_two_parts(demo_warehouse: Path) -> None:
    with open_current(demo_warehouse) as current:
        assert current is not None
        data = load_dataset(current[1].cursor())
    parts = split_by_student(data)
    students = [set(part.students.tolist()) for part in parts]
    assert all(not (a & b) for i, a in enumerate(students) for b in students[i + 1 :])
    assert sum(len(part) for part in parts) == len(data)
    assert all(len(part) > 0 for part in parts)


def test_more_study_never_lowers_the_likelihood(trained: Trained) -> None:
    model = ModelStore(trained.directory).current()
    assert model is not None
    rng = np.random.default_rng(3)
    bases = np.column_stack(
        [rng.uniform(0, 30, 40), rng.uniform(0, 100, 40), rng.uniform(0, 6, 40)]
    )
    grids = {0: np.linspace(0, 40, 25), 1: np.linspace(0, 100, 25), 2: np.linspace(0, 8, 25)}
    for column, grid in grids.items():
        for base in bases:
            rows = np.repeat(base[None, :], len(grid), axis=0)
            rows[:, column] = grid
            likelihoods = model.predict(rows)
            assert np.all(np.diff(likelihoods) >= -1e-9), FEATURES[column]
        # and the feature matters: across the grid the likelihood does move somewhere
    assert (
        model.predict(np.array([[0.0, 10.0, 0.0]]))[0]
        < model.predict(np.array([[30.0, 90.0, 6.0]]))[0]
    )


def test_the_at_risk_model_respects_its_constraints(trained: Trained) -> None:
    assert trained.outcome.risk_published is not None
    model = ModelStore(risk_dir(trained.directory)).current()
    assert model is not None and model.info.features == list(RISK.columns)
    rng = np.random.default_rng(5)
    bases = np.column_stack(
        [
            rng.uniform(0, 30, 30),
            rng.uniform(0, 100, 30),
            rng.uniform(0, 6, 30),
            rng.uniform(0, 60, 30),
            rng.uniform(0, 1.5, 30),
            rng.uniform(-20, 20, 30),
            rng.uniform(0, 12, 30),
            rng.uniform(0, 20, 30),
            rng.uniform(0, 30, 30),
            rng.uniform(0, 100, 30),
        ]
    )
    assert bases.shape[1] == len(RISK.columns)
    for column, direction in enumerate(RISK.monotone):
        if direction == 0:
            continue
        grid = np.linspace(0, bases[:, column].max() * 1.5 + 1, 20)
        for base in bases:
            rows = np.repeat(base[None, :], len(grid), axis=0)
            rows[:, column] = grid
            steps = np.diff(model.predict(rows)) * direction
            assert np.all(steps >= -1e-9), RISK.columns[column]


def test_a_weaker_model_is_not_published(demo_warehouse: Path, tmp_path: Path) -> None:
    first = train_and_publish(demo_warehouse, tmp_path, min_auc=0.5)
    assert first.published is not None
    refused = train_and_publish(demo_warehouse, tmp_path, min_auc=0.9999)
    assert refused.published is None
    assert current_version(tmp_path) == first.published.version


async def test_predict_over_http(demo_database_url: str, tmp_path: Path, trained: Trained) -> None:
    settings = make_settings(demo_database_url, tmp_path)
    async for client in client_for(settings):
        teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
        assert_error(
            await client.post("/api/predict", json=CONTRACT_EXAMPLE, headers=teacher),
            503,
            "MODEL_NOT_TRAINED",
        )
        shutil.copytree(trained.directory, settings.model_dir)
        await asyncio.sleep(1.05)  # the store looks at the pointer at most once a second
        response = await client.post("/api/predict", json=CONTRACT_EXAMPLE, headers=teacher)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"completion_likelihood"}
        model = ModelStore(settings.model_dir).current()
        assert model is not None
        expected = float(model.predict(np.array([[12.0, 78.0, 5.0]]))[0])
        assert body["completion_likelihood"] == pytest.approx(expected, abs=1e-4)
        assert 0 <= body["completion_likelihood"] <= 1

        for bad, field in (
            ({**CONTRACT_EXAMPLE, "hours_watched": -1}, "hours_watched"),
            ({**CONTRACT_EXAMPLE, "average_score": 101}, "average_score"),
            ({**CONTRACT_EXAMPLE, "activity_level": "often"}, "activity_level"),
            ({"hours_watched": 3, "average_score": 50}, "activity_level"),
        ):
            error = assert_error(
                await client.post("/api/predict", json=bad, headers=teacher),
                422,
                "VALIDATION_ERROR",
            )
            assert set(error["details"]) == {field}, error

        student = bearer((await login(client, DEMO_ACCOUNTS["STUDENT"]))["access_token"])
        assert_error(
            await client.post("/api/predict", json=CONTRACT_EXAMPLE, headers=student),
            403,
            "PERMISSION_DENIED",
        )

        batch = """query($inputs: [CompletionInput!]!) {
            predictCompletions(inputs: $inputs) { completionLikelihood } }"""
        inputs = [
            {"hoursWatched": 1, "averageScore": 30, "activityLevel": 0.5},
            {"hoursWatched": 12, "averageScore": 78, "activityLevel": 5},
        ]
        answer = (
            await client.post(
                "/graphql", json={"query": batch, "variables": {"inputs": inputs}}, headers=teacher
            )
        ).json()
        likelihoods = [p["completionLikelihood"] for p in answer["data"]["predictCompletions"]]
        assert likelihoods[1] == body["completion_likelihood"]
        assert likelihoods[0] <= likelihoods[1]
        inputs[1]["averageScore"] = 140
        refused = (
            await client.post(
                "/graphql", json={"query": batch, "variables": {"inputs": inputs}}, headers=teacher
            )
        ).json()
        extensions = refused["errors"][0]["extensions"]
        assert extensions["code"] == "VALIDATION_ERROR"
        assert set(extensions["details"]) == {"inputs[1].averageScore"}  # as GraphQL spells it


async def test_oulad_folder_end_to_end(demo_database_url: str, tmp_path: Path) -> None:
    """ETL of a generated OULAD folder, training, then predictions over HTTP."""
    settings = make_settings(demo_database_url, tmp_path)
    folder = write_sample(tmp_path / "oulad", SampleOptions(students=300))
    refresh(demo_database_url, settings.warehouse_dir, source=Source.parse(f"oulad:{folder}"))
    outcome = train_and_publish(settings.warehouse_dir, settings.model_dir, min_auc=0.7)
    assert outcome.published is not None, outcome.trained.evaluation.auc
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        low = await client.post(
            "/api/predict",
            json={"hours_watched": 0, "average_score": 20, "activity_level": 0.2},
            headers=admin,
        )
        high = await client.post(
            "/api/predict",
            json={"hours_watched": 0, "average_score": 90, "activity_level": 6},
            headers=admin,
        )
        assert low.status_code == high.status_code == 200, low.text
        assert low.json()["completion_likelihood"] <= high.json()["completion_likelihood"]


def test_the_train_command_prints_metrics_and_writes_a_report(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    shutil.copytree(demo_warehouse, tmp_path / "warehouse")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    env.update(LEARNLOOM_ENV="test", LEARNLOOM_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "learnloom", "train", "--report", str(tmp_path / "report.html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The result (the per-horizon table and the verdict) is the command's output, on stdout;
    # what it says on the way (the report's path), on stderr; neither with terminal codes.
    output = done.stdout
    assert "AUC" in output and "published" in output
    report = (tmp_path / "report.html").read_text()
    # one ROC and one calibration chart per horizon, for both models
    assert report.count("<svg") >= 2 * 2 * 6 and "ROC curve, week 2" in report
    assert "week 2" in output and "caught" in output
    assert current_version(tmp_path / "models") is not None
    assert "AUC" not in done.stderr and "report written to" in done.stderr
    assert not re.search(r"[\x1b\r]", done.stdout + done.stderr)


async def test_a_refresh_that_changes_enough_retrains_the_model(
    demo_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(demo_database_url, tmp_path, model_retrain_rows=1, model_min_auc=0.5)
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        first = current_version(settings.model_dir)
        assert first is not None  # no model yet: the first refresh trains one
        status = (await client.get("/api/system-status")).json()
        assert status["model_version"] == first
        # Nothing changed since: no retraining.
        assert (await client.post("/api/refresh-data", headers=admin)).json()["rows_added"] == 0
        assert current_version(settings.model_dir) == first


AT_RISK_KEYS = {
    "student_id",
    "name",
    "course_id",
    "course_name",
    "completion_likelihood",
    "hours_watched",
    "average_score",
    "activity_level",
    "days_since_last_activity",
    "reasons",
}


@pytest.fixture(scope="module")
async def untouched_world_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, anyio_backend: str
) -> AsyncIterator[str]:
    """A demo world of this module's own: the shared one gains activities dated today from
    other tests, which would leave every ongoing student months idle as of `as_of`."""
    for url in create_database(backend, tmp_path_factory.mktemp("at-risk")):
        await seed_world(url)
        yield url


async def test_at_risk_students_of_a_class_with_reasons(
    untouched_world_url: str, tmp_path: Path, trained: Trained
) -> None:
    demo_database_url = untouched_world_url
    settings = make_settings(demo_database_url, tmp_path)
    engine = make_engine(demo_database_url)
    try:
        async with engine.connect() as connection:
            taught = (
                (
                    await connection.execute(
                        text(
                            "SELECT t.classroom_id FROM classroom_teachers t JOIN users u ON u.id = t.teacher_id WHERE u.email = :e ORDER BY 1"
                        ),
                        {"e": DEMO_ACCOUNTS["TEACHER"]},
                    )
                )
                .scalars()
                .all()
            )
            other = (
                await connection.execute(
                    text("SELECT min(id) FROM classrooms WHERE id NOT IN :taught").bindparams(
                        bindparam("taught", expanding=True)
                    ),
                    {"taught": list(taught)},
                )
            ).scalar_one()
            members = set(
                (
                    await connection.execute(
                        text("SELECT student_id FROM classroom_students WHERE classroom_id = :c"),
                        {"c": taught[0]},
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    async for client in client_for(settings):
        teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        path = f"/api/v1/teachers/me/classes/{taught[0]}/at-risk/"
        assert_error(await client.get(path, headers=teacher), 503, "MODEL_NOT_TRAINED")
        shutil.copytree(trained.directory, settings.model_dir)
        await asyncio.sleep(1.05)
        response = await client.get(f"{path}?limit=100", headers=teacher)
        assert response.status_code == 200, response.text
        rows = response.json()["data"]
        assert rows and all(set(row) == AT_RISK_KEYS for row in rows)
        assert {row["student_id"] for row in rows} <= members
        likelihoods = [row["completion_likelihood"] for row in rows]
        assert likelihoods == sorted(likelihoods) and all(0 <= p <= 1 for p in likelihoods)
        assert any(row["reasons"] for row in rows)
        phrases = (
            "little time",
            "scores",
            "rarely active",
            "no activity for",
            "lessons",
            "little study in any course",
            "no study in any course",
        )
        assert all(
            any(phrase in reason for phrase in phrases) for row in rows for reason in row["reasons"]
        )
        # Every course is named as the warehouse names it (not a number from another column).
        courses = (await client.get("/api/course-analytics", headers=admin)).json()["courses"]
        names = {c["course_id"]: c["course_name"] for c in courses}
        assert all(row["course_name"] == names[row["course_id"]] for row in rows), rows[:3]
        # No reason says the opposite of its figure: a rising score trend is never a risk.
        for reason in (r for row in rows for r in row["reasons"]):
            assert "(+" not in reason and "below their average (" not in reason, reason
            if reason.startswith("scores falling"):
                assert int(reason.split("last four weeks ")[1].split(" ")[0]) > 0, reason
        # Each reason agrees with the figure shown beside it.
        for row in rows:
            for reason in row["reasons"]:
                if reason.startswith("no activity for"):
                    assert row["days_since_last_activity"] >= 1, row
                if reason.startswith("low scores"):
                    assert row["average_score"] is not None and row["average_score"] < 100, row
        # Likelihoods tell students apart: different figures, different likelihoods (a tree
        # ensemble is piecewise constant, so two students close in every figure may share a
        # leaf in every tree: most, not all, are told apart; the end-of-course model gave
        # every ongoing enrollment one of two values).
        figures = {
            (
                r["hours_watched"],
                r["average_score"],
                r["activity_level"],
                r["days_since_last_activity"],
            )
            for r in rows
        }
        print(f"{len(set(likelihoods))} distinct likelihoods for {len(figures)} distinct figures")
        assert len(set(likelihoods)) >= 0.8 * len(figures) and len(figures) > 5
        top = (await client.get(f"{path}?limit=2", headers=teacher)).json()["data"]
        assert top == rows[:2]
        # Another teacher's class is missing, for this teacher.
        assert_error(
            await client.get(f"/api/v1/teachers/me/classes/{other}/at-risk/", headers=teacher),
            404,
            "RESOURCE_NOT_FOUND",
        )
        student = bearer((await login(client, DEMO_ACCOUNTS["STUDENT"]))["access_token"])
        assert_error(await client.get(path, headers=student), 403, "PERMISSION_DENIED")
        school_admin = bearer((await login(client, DEMO_ACCOUNTS["SCHOOL_ADMIN"]))["access_token"])
        whole_school = (
            await client.post(
                "/graphql",
                json={"query": "{ atRiskStudents(limit: 100) { studentId completionLikelihood } }"},
                headers=school_admin,
            )
        ).json()["data"]["atRiskStudents"]
        assert {r["student_id"] for r in rows} <= {r["studentId"] for r in whole_school}


async def test_an_at_risk_model_of_fewer_features_keeps_serving(
    untouched_world_url: str, tmp_path: Path, demo_warehouse: Path
) -> None:
    """A model published by an earlier version, trained without a feature added since, is
    read with the columns it was trained on (by name), not refused or fed the wrong ones."""
    earlier = FeatureSet("risk", RISK.columns[:-1], RISK.monotone[:-1])
    settings = make_settings(untouched_world_url, tmp_path)
    with open_current(demo_warehouse) as current:
        assert current is not None
        snapshot, connection = current
        data = load_dataset(connection.cursor(), earlier)
    publish(risk_dir(settings.model_dir), train(data, earlier), snapshot)
    async for client in client_for(settings):
        admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
        assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
        response = await client.post(
            "/graphql",
            json={"query": "{ atRiskStudents(limit: 50) { completionLikelihood reasons } }"},
            headers=admin,
        )
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        rows = response.json()["data"]["atRiskStudents"]
        assert len(rows) == 50 and len({r["completionLikelihood"] for r in rows}) > 10
        assert not any("all their courses" in reason for r in rows for reason in r["reasons"])


CLASS_SCREEN = """query Screen($limit: Int!) { myClasses(limit: $limit) { items {
  id name
  students(limit: 5) { items { id name attendancePercent } pagination { total } }
  performance { classId averageScore topPerformers { studentId } needsSupport { studentId } }
  atRisk(limit: 3) { studentId courseName completionLikelihood reasons }
} } }"""
ONE_CLASS = """query One($id: Int!) {
  classStudents(classId: $id, limit: 5) { items { id name attendancePercent } pagination { total } }
  classPerformance(classId: $id) { classId averageScore topPerformers { studentId } needsSupport { studentId } }
  atRiskStudents(classId: $id, limit: 3) { studentId courseName completionLikelihood reasons }
}"""


async def test_a_teachers_class_screen_is_one_query_with_constant_statements(
    untouched_world_url: str, tmp_path: Path, trained: Trained
) -> None:
    """A teacher's classes with each one's students, performance and students to help, in
    one query: each nested part is what the class's own query answers, and two classes
    cost the same SQL statements as one (the nested fields are loaded for all at once)."""
    settings = make_settings(untouched_world_url, tmp_path, user_cache=False)
    shutil.copytree(trained.directory, settings.model_dir)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as client:
            teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
            admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
            assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
            counts, screens = [], []
            for limit in (1, 2):
                with count_statements(app.state.learnloom.engine) as statements:
                    response = await client.post(
                        "/graphql",
                        json={"query": CLASS_SCREEN, "variables": {"limit": limit}},
                        headers=teacher,
                    )
                body = response.json()
                assert "errors" not in body, body
                screens.append(body["data"]["myClasses"]["items"])
                counts.append(len(statements))
            assert [len(s) for s in screens] == [1, 2]
            assert counts[0] == counts[1], counts
            for shown in screens[1]:
                alone = (
                    await client.post(
                        "/graphql",
                        json={"query": ONE_CLASS, "variables": {"id": shown["id"]}},
                        headers=teacher,
                    )
                ).json()["data"]
                assert shown["students"] == alone["classStudents"]
                assert shown["performance"] == alone["classPerformance"]
                assert shown["atRisk"] == alone["atRiskStudents"]
                assert shown["students"]["items"] and shown["atRisk"]
            # The two classes' students differ: nothing of one class in the other's answer.
            first, second = ({s["id"] for s in c["students"]["items"]} for c in screens[1])
            assert not first & second
