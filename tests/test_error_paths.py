"""Every error leaves as {"error": {"code", "message", "details"}} with its status."""

import httpx
import pytest

import resolvers.system
from tests.helpers import assert_error

pytestmark = pytest.mark.anyio


async def test_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    error = assert_error(await client.get("/api/nowhere"), 404, "RESOURCE_NOT_FOUND")
    assert "/api/nowhere" in error["message"]
    assert_error(await client.post("/api/v1/nothing/here/"), 404, "RESOURCE_NOT_FOUND")


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/health")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert_graphql_error(await client.put("/graphql", json={}), 405, "METHOD_NOT_ALLOWED")
    # A word where another path has a parameter: PATCH /webhooks/{id}/ must not take
    # PATCH /webhooks/deliveries/ for the webhook "deliveries" (it did, with a 422).
    shadowed = await client.patch("/api/v1/admin/webhooks/deliveries/", json={})
    assert_error(shadowed, 405, "METHOD_NOT_ALLOWED")
    assert set(shadowed.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    # A method no path has (OPTIONS) lists the path's own methods too, not the claimed ones
    # (it listed DELETE and PATCH here, and GET for /sessions/start/).
    for path, allowed in (
        ("/api/v1/admin/webhooks/deliveries/", {"GET", "HEAD"}),
        ("/api/v1/sessions/start/", {"POST"}),
    ):
        options = await client.options(path)
        assert_error(options, 405, "METHOD_NOT_ALLOWED")
        assert set(options.headers["allow"].replace(" ", "").split(",")) == allowed


def assert_graphql_error(response: httpx.Response, status: int, code: str) -> dict:
    """A refusal of /graphql before any GraphQL ran, in GraphQL's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"data", "errors"} and body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == code and error["message"]
    assert isinstance(error["extensions"]["details"], dict)
    return dict(error)


async def test_malformed_json_on_graphql_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": ', headers={"content-type": "application/json"}
    )
    assert_graphql_error(response, 400, "BAD_REQUEST")


async def test_unexpected_exception_is_masked_on_rest_and_graphql(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode() -> None:
        raise RuntimeError("secret connection string postgres://user:pw@db")

    monkeypatch.setattr(resolvers.system, "health", explode)
    response = await client.get("/api/health", headers={"X-Request-ID": "req-500"})
    error = assert_error(response, 500, "INTERNAL_SERVER_ERROR")
    assert "secret" not in response.text
    assert error["message"] == "An unexpected error occurred"
    assert any("req-500" in record.getMessage() for record in caplog.records)

    graphql = await client.post("/graphql", json={"query": "{ health { status } }"})
    payload = graphql.json()
    assert "secret" not in graphql.text
    assert payload["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "details": {}}


async def test_graphql_document_errors_carry_a_code(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ noSuchField }"})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "noSuchField" in error["message"]


async def test_near_miss_paths_are_404_not_redirects(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/health/"), 404, "RESOURCE_NOT_FOUND")
