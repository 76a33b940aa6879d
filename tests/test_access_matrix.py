"""Access rules generated from the route table, so a new route cannot escape them:
anonymous callers get 401 on every route that is not public."""

import re

import httpx
import pytest

from rest_compat.routes import ROUTES
from tests.test_error_paths import assert_error

pytestmark = pytest.mark.anyio

# DESIGN.md §5: only health checks, login and refresh answer without a token.
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/system-status"),
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
