"""Every implemented path of the auth, catalogue and session APIs answers with the keys and
value types of the contract's own example (tests/fixtures/grio_response_examples.json), on
SQLite and PostgreSQL."""

from pathlib import Path

import httpx
import pytest

from analytics.training import train_and_publish
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from rest_compat.routes import ROUTES
from tests.contract_examples import assert_shape, examples
from tests.helpers import bearer, login

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def contract() -> dict:
    """The contract's examples, read from the repository's copy before any test runs."""
    return examples()


# Keys beyond a contract example: the refresh token's rotation, and the model's held-out
# figures per horizon on the AI health check.
EXTRA = {
    ("POST", "/api/v1/auth/refresh/"): frozenset({"refresh_token"}),
    ("GET", "/api/v1/ai/health/"): frozenset({"model_horizons"}),
}


def test_every_contract_path_in_the_route_table_is_checked_here() -> None:
    implemented = {(r.method, r.path) for r in ROUTES} & set(examples())
    assert implemented == set(CHECKED), "check the new path against its contract example below"


CHECKED = {
    ("POST", "/api/v1/auth/login/"), ("POST", "/api/v1/auth/refresh/"), ("GET", "/api/v1/auth/me/"),
    ("GET", "/api/v1/curricula/"), ("GET", "/api/v1/classes/"), ("GET", "/api/v1/subjects/"),
    ("GET", "/api/v1/topics/"), ("GET", "/api/v1/lessons/"), ("GET", "/api/v1/lessons/{id}/content/"),
    ("POST", "/api/v1/sessions/start/"), ("GET", "/api/v1/sessions/{id}/"),
    ("PATCH", "/api/v1/sessions/{id}/mode/"), ("POST", "/api/v1/sessions/{id}/end/"),
    ("GET", "/api/v1/sessions/active/"), ("GET", "/api/v1/admin/analytics/school/{id}/"),
    ("GET", "/api/v1/ai/health/"),
    # Checked against their examples in tests/test_students.py:
    ("GET", "/api/v1/students/me/dashboard/"), ("GET", "/api/v1/students/me/progress/"),
    ("GET", "/api/v1/students/me/history/"), ("POST", "/api/v1/students/me/continue/"),
    # ... and in tests/test_teachers.py:
    ("GET", "/api/v1/teachers/me/classes/"), ("GET", "/api/v1/teachers/me/classes/{id}/students/"),
    ("GET", "/api/v1/teachers/me/classes/{id}/performance/"),
    ("POST", "/api/v1/teachers/me/assignments/"),
    # ... and in tests/test_tutor.py:
    ("POST", "/api/v1/ai/chat/"),
    # ... and in tests/test_practice.py:
    ("POST", "/api/v1/ai/practice/question/"), ("POST", "/api/v1/ai/practice/validate/"),
    # ... and in tests/test_guided_lessons.py:
    ("POST", "/api/v1/ai/lesson/start/"), ("POST", "/api/v1/ai/lesson/next/"),
}  # fmt: skip


def check(method: str, path: str, response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text
    body = response.json()
    data = body.get("data")
    extra = EXTRA.get((method, path), frozenset())
    if isinstance(data, dict) and extra & set(data):
        data = {key: value for key, value in data.items() if key not in extra}
        body = {**body, "data": data}
    assert_shape(body, examples()[(method, path)])
    return response.json()


async def test_auth_and_catalogue_paths_match_the_contract(client: httpx.AsyncClient) -> None:
    tokens = check(
        "POST",
        "/api/v1/auth/login/",
        await client.post(
            "/api/v1/auth/login/",
            json={"email": DEMO_ACCOUNTS["TEACHER"], "password": DEMO_PASSWORD},
        ),
    )["data"]
    refreshed = (
        await client.post("/api/v1/auth/refresh/", json={"refresh_token": tokens["refresh_token"]})
    ).json()
    assert_shape(
        refreshed["data"],
        examples()[("POST", "/api/v1/auth/refresh/")]["data"],
        extra=EXTRA[("POST", "/api/v1/auth/refresh/")],
    )
    headers = bearer(refreshed["data"]["access_token"])
    check("GET", "/api/v1/auth/me/", await client.get("/api/v1/auth/me/", headers=headers))
    check("GET", "/api/v1/curricula/", await client.get("/api/v1/curricula/", headers=headers))
    classes = check(
        "GET",
        "/api/v1/classes/",
        await client.get("/api/v1/classes/?curriculum_id=1&grade=P6", headers=headers),
    )
    subjects = check(
        "GET",
        "/api/v1/subjects/",
        await client.get(f"/api/v1/subjects/?class_id={classes['data'][0]['id']}", headers=headers),
    )
    topics = check(
        "GET",
        "/api/v1/topics/",
        await client.get(
            f"/api/v1/topics/?class_subject_id={subjects['data'][0]['id']}&term_id=1",
            headers=headers,
        ),
    )
    lessons = check(
        "GET",
        "/api/v1/lessons/",
        await client.get(f"/api/v1/lessons/?topic_id={topics['data'][0]['id']}", headers=headers),
    )
    check(
        "GET",
        "/api/v1/lessons/{id}/content/",
        await client.get(f"/api/v1/lessons/{lessons['data'][0]['id']}/content/", headers=headers),
    )


async def test_session_paths_match_the_contract(client: httpx.AsyncClient) -> None:
    teacher = bearer((await login(client, DEMO_ACCOUNTS["TEACHER"]))["access_token"])
    classes = (
        await client.post("/graphql", json={"query": "{ me { id } }"}, headers=teacher)
    ).json()
    assert "errors" not in classes
    # The teacher's second classroom (Primary 6 - Section B) keeps this test apart from others.

    started = None
    for class_id in range(1, 13):
        response = await client.post(
            "/api/v1/sessions/start/",
            json={"class_id": class_id, "mode": "teach", "session_name": "Contract check"},
            headers=teacher,
        )
        if response.status_code == 201:
            started = check("POST", "/api/v1/sessions/start/", response)["data"]
            break
    assert started is not None and started["id"].startswith("sess_")
    sid, class_id = started["id"], started["class_id"]
    try:
        active = await client.get(f"/api/v1/sessions/active/?class_id={class_id}", headers=teacher)
        check("GET", "/api/v1/sessions/active/", active)
        detail = await client.get(f"/api/v1/sessions/{sid}/", headers=teacher)
        check("GET", "/api/v1/sessions/{id}/", detail)
        mode = await client.patch(
            f"/api/v1/sessions/{sid}/mode/", json={"mode": "practice"}, headers=teacher
        )
        check("PATCH", "/api/v1/sessions/{id}/mode/", mode)
    finally:
        ended = await client.post(f"/api/v1/sessions/{sid}/end/", headers=teacher)
    check("POST", "/api/v1/sessions/{id}/end/", ended)


@pytest.mark.parametrize(
    ("actual", "example"),
    [
        ({"a": 1}, {"a": "x"}),
        ({"a": 1, "b": 2}, {"a": 1}),
        ({"a": 1.5}, {"a": 2}),
        ([{"t": "x"}], [{"t": 1}]),
        ({"a": []}, {"a": {}}),
    ],
)
def test_the_shape_check_can_fail(actual: object, example: object) -> None:
    with pytest.raises(AssertionError):
        assert_shape(actual, example)


async def test_school_analytics_matches_the_contract(client: httpx.AsyncClient) -> None:
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
    path = "/api/v1/admin/analytics/school/{id}/"
    check("GET", path, await client.get("/api/v1/admin/analytics/school/1/", headers=admin))


async def test_ai_health_matches_the_contract(client: httpx.AsyncClient, tmp_path: Path) -> None:
    before = (await client.get("/api/v1/ai/health/")).json()["data"]
    assert before["model_loaded"] is False and before["last_training"] is None
    admin = bearer((await login(client, DEMO_ACCOUNTS["SUPER_ADMIN"]))["access_token"])
    assert (await client.post("/api/refresh-data", headers=admin)).status_code == 200
    # The fixture's app keeps its data in tmp_path: train the model it will serve.
    outcome = train_and_publish(tmp_path / "warehouse", tmp_path / "models", min_auc=0.5)
    assert outcome.published is not None
    body = check("GET", "/api/v1/ai/health/", await client.get("/api/v1/ai/health/"))["data"]
    assert body["model_loaded"] is True and body["status"] == "healthy"
    assert body["last_training"] == outcome.published.trained_at[:19] + "Z"  # whole seconds
    # The figures per horizon are those the model's metadata records.
    recorded = outcome.published.metrics["horizons"]
    assert [h["horizon"] for h in body["model_horizons"]] == list(recorded)
    for shown in body["model_horizons"]:
        assert shown["auc"] == round(recorded[shown["horizon"]]["auc"], 4)
        assert shown["test_rows"] == recorded[shown["horizon"]]["test_rows"]
    status = (await client.get("/api/system-status")).json()
    assert status["model_version"] == outcome.published.version
