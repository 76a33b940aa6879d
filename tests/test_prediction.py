"""The completion model: trained on the demo world it ranks held-out students well, it is
monotone in each public feature, a weak model is not published, and /api/predict answers
the contract (with per-field errors) from whichever model is current; end to end on a
generated OULAD folder too."""

import asyncio
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import bindparam, text

from analytics.completion import FEATURES, RISK, load_dataset, split_by_student
from analytics.etl import Source, refresh
from analytics.model_store import ModelStore, current_version
from analytics.oulad_sample import SampleOptions, write_sample
from analytics.training import Outcome, risk_dir, train_and_publish
from analytics.warehouse import open_current
from learnloom.demo import DEMO_ACCOUNTS, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import DEMO_NOW, client_for, make_settings
from tests.test_auth import bearer, login
from tests.test_error_paths import assert_error

pytestmark = pytest.mark.anyio
CONTRACT_EXAMPLE = {"hours_watched": 12, "average_score": 78, "activity_level": 5}


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


def test_held_out_students_are_ranked_well_on_the_demo_world(trained: Trained) -> None:
    outcome = trained.outcome
    evaluation = outcome.trained.evaluation
    print(f"held-out AUC on the demo world: {evaluation.auc:.3f}")
    assert evaluation.auc >= 0.75
    assert outcome.published is not None and outcome.published.metrics["auc"] == evaluation.auc
    assert 0 < evaluation.brier < 0.25 and 0 < evaluation.log_loss < 0.7
    assert sum(rows for _, _, rows in evaluation.calibration) == evaluation.rows


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
            rng.uniform(0, 1, 30),
            rng.uniform(-20, 20, 30),
        ]
    )
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
        assert set(extensions["details"]) == {"inputs[1].average_score"}


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
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "AUC" in output and "published" in output
    report = (tmp_path / "report.html").read_text()
    assert report.count("<svg") == 2 and "ROC curve" in report
    assert current_version(tmp_path / "models") is not None


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


async def test_at_risk_students_of_a_class_with_reasons(
    demo_database_url: str, tmp_path: Path, trained: Trained
) -> None:
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
        phrases = ("little time", "scores", "rarely active", "no activity for", "lessons")
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
                assert int(reason.split("recent scores ")[1].split(" ")[0]) > 0, reason
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
