"""Access rules generated from the route table, so a new route cannot escape them:
anonymous callers get 401 on every route that is not public."""

import re

import httpx
import pytest

from learnloom.demo import DEMO_ACCOUNTS
from resolvers.permissions import PERMISSIONS
from rest_compat.routes import ROUTES
from tests.helpers import assert_error, bearer, login

pytestmark = pytest.mark.anyio

# docs/api.md (Authentication): only health checks, login and refresh answer without a token.
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/system-status"),
    ("GET", "/api/v1/ai/health/"),
    ("POST", "/api/v1/auth/login/"),
    ("POST", "/api/v1/auth/refresh/"),
}


def test_only_the_documented_routes_are_public() -> None:
    assert {(r.method, r.path) for r in ROUTES if r.public} == PUBLIC


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if not r.public], ids=lambda r: f"{r.method} {r.path}"
)
async def test_anonymous_callers_get_401(client: httpx.AsyncClient, route) -> None:  # type: ignore[no-untyped-def]
    path = re.sub(r"{\w+}", "1", route.path)
    response = await client.request(route.method, path, json={} if route.method != "GET" else None)
    assert_error(response, 401, "INVALID_TOKEN")


async def test_openapi_marks_which_routes_need_a_token(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        assert operation["security"] == ([] if route.public else [{"bearerAuth": []}])


# How each protected route is probed with a caller of another school (or another student).
# Every protected route must be listed, so a new route cannot ship without its probe.
# "self": the route only ever answers about the caller, so there is no other tenant to ask for.
# "shared": the route serves the curriculum catalogue, which every school uses alike.
CROSS_TENANT: dict[tuple[str, str], str] = {
    # Super admins only: every other role is refused (tests/test_warehouse.py).
    ("POST", "/api/refresh-data"): "super admin only",
    # Analytics answer for the caller's own scope; tests/test_analytics.py proves each scope
    # sees exactly its own figures.
    **{
        ("GET", f"/api/{name}"): "own scope"
        for name in (
            "average-score",
            "completion-rate",
            "dropout-rate",
            "total-students",
            "active-students",
            "score-trend",
            "activity-trend",
            "weekly-progress",
            "course-analytics",
            "top-courses",
            "hardest-courses",
            "student/{student_id}/profile",
        )
    },
    # School admins see and change only their own school; other schools are missing, and
    # creating or removing schools is for super admins (tests/test_admin_schools.py).
    ("GET", "/api/v1/admin/schools/"): "own school",
    ("POST", "/api/v1/admin/schools/"): "super admin only",
    ("GET", "/api/v1/admin/schools/{id}/"): "own school",
    ("PATCH", "/api/v1/admin/schools/{id}/"): "own school",
    ("DELETE", "/api/v1/admin/schools/{id}/"): "super admin only",
    # School admins manage their school's teachers and students only (tests/test_admin_users.py).
    ("GET", "/api/v1/admin/users/"): "own school",
    ("POST", "/api/v1/admin/users/"): "own school",
    ("PATCH", "/api/v1/admin/users/{id}/"): "own school",
    # A class another teacher teaches, or of another school, is missing (tests/test_teachers.py).
    ("GET", "/api/v1/teachers/me/classes/"): "self",
    ("GET", "/api/v1/teachers/me/classes/{id}/students/"): "own classes",
    ("GET", "/api/v1/teachers/me/classes/{id}/performance/"): "own classes",
    ("POST", "/api/v1/teachers/me/assignments/"): "own classes",
    # School admins export and erase their school's learners only (tests/test_privacy.py).
    ("GET", "/api/v1/admin/students/{id}/export/"): "own school",
    ("POST", "/api/v1/admin/students/{id}/erase/"): "own school",
    # School admins see and manage their school's webhooks only (tests/test_webhooks.py).
    ("GET", "/api/v1/admin/webhooks/"): "own school",
    ("POST", "/api/v1/admin/webhooks/"): "own school",
    ("GET", "/api/v1/admin/webhooks/{id}/"): "own school",
    ("PATCH", "/api/v1/admin/webhooks/{id}/"): "own school",
    ("DELETE", "/api/v1/admin/webhooks/{id}/"): "own school",
    ("GET", "/api/v1/admin/webhooks/deliveries/"): "own school",
    ("POST", "/api/v1/admin/webhooks/deliveries/{id}/replay/"): "own school",
    # A teacher asking for a class they do not teach gets 404 (tests/test_prediction.py).
    ("GET", "/api/v1/teachers/me/classes/{id}/at-risk/"): "own classes",
    # Flags reach only the learner's classroom teachers and school admins (test_safeguarding).
    ("GET", "/api/v1/teachers/me/flags/"): "test_safeguarding",
    ("POST", "/api/v1/teachers/me/flags/{id}/acknowledge/"): "test_safeguarding",
    # The model answers for the numbers it is sent, which name no student or school.
    ("POST", "/api/predict"): "no tenant data",
    ("GET", "/api/v1/auth/me/"): "self",
    # The tutor answers in sessions the caller may read (tests/test_tutor.py).
    ("POST", "/api/v1/ai/chat/"): "test_tutor",
    ("POST", "/api/v1/ai/lesson/start/"): "test_guided_lessons",
    ("POST", "/api/v1/ai/lesson/next/"): "test_guided_lessons",
    ("POST", "/api/v1/ai/practice/question/"): "test_practice",
    ("POST", "/api/v1/ai/practice/validate/"): "test_practice",
    # A learner's own screens take no student id (tests/test_students.py).
    ("GET", "/api/v1/students/me/dashboard/"): "self",
    ("GET", "/api/v1/students/me/progress/"): "self",
    ("GET", "/api/v1/students/me/history/"): "self",
    ("POST", "/api/v1/students/me/continue/"): "self",
    ("POST", "/api/v1/auth/logout/"): "self",
    ("GET", "/api/v1/curricula/"): "shared",
    ("GET", "/api/v1/classes/"): "shared",
    ("GET", "/api/v1/subjects/"): "shared",
    ("GET", "/api/v1/topics/"): "shared",
    ("GET", "/api/v1/lessons/"): "shared",
    ("GET", "/api/v1/lessons/{id}/content/"): "shared",
    # Sessions: probed in tests/test_sessions.py with a teacher and a student of another class
    # and another school's admin.
    ("POST", "/api/v1/sessions/start/"): "test_sessions",
    ("GET", "/api/v1/sessions/active/"): "test_sessions",
    ("GET", "/api/v1/sessions/{id}/"): "test_sessions",
    ("PATCH", "/api/v1/sessions/{id}/mode/"): "test_sessions",
    ("POST", "/api/v1/sessions/{id}/end/"): "test_sessions",
    ("GET", "/api/v1/admin/analytics/school/{id}/"): "test_analytics",
    ("GET", "/api/v1/admin/analytics/national/"): "super admin only (test_analytics)",
}


def test_every_protected_route_has_a_cross_tenant_probe() -> None:
    protected = {(r.method, r.path) for r in ROUTES if not r.public}
    assert protected == set(CROSS_TENANT), "add the new route's probe to CROSS_TENANT"


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
async def test_self_routes_answer_only_about_the_caller(
    client: httpx.AsyncClient, role: str
) -> None:
    tokens = await login(client, DEMO_ACCOUNTS[role])
    me = (await client.get("/api/v1/auth/me/", headers=bearer(tokens["access_token"]))).json()[
        "data"
    ]
    assert me["email"] == DEMO_ACCOUNTS[role] and me["role"] == role
    assert me["permissions"] == list(PERMISSIONS[role])  # type: ignore[index]
    other = await login(client, DEMO_ACCOUNTS["STUDENT" if role != "STUDENT" else "TEACHER"])
    refused = await client.post(
        "/api/v1/auth/logout/",
        json={"refresh_token": other["refresh_token"]},
        headers=bearer(tokens["access_token"]),
    )
    assert_error(refused, 403, "PERMISSION_DENIED")
