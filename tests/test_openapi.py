"""The served OpenAPI document is valid 3.1 and lists every row of the route table."""

import httpx
import pytest
from openapi_spec_validator import validate

from rest_compat.routes import ROUTES

pytestmark = pytest.mark.anyio


async def test_openapi_document_is_valid_and_complete(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert listed == {(r.method, r.path) for r in ROUTES}
    # A route with a subscription also answers as Server-Sent Events.
    streamed = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2") and "text/event-stream" in answer.get("content", {})
    }
    assert (
        streamed
        == {(r.method, r.path) for r in ROUTES if r.stream}
        == {("POST", "/api/v1/ai/chat/")}
    )


async def test_health_response_schema_matches_the_contract(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    health = document["paths"]["/api/health"]["get"]["responses"]["200"]
    schema = health["content"]["application/json"]["schema"]
    assert schema["required"] == ["status", "message"]
    status = document["paths"]["/api/system-status"]["get"]["responses"]["200"]
    properties = status["content"]["application/json"]["schema"]["properties"]
    assert properties["database_connected"] == {"type": "boolean"}
    assert properties["last_data_refresh"] == {"type": ["string", "null"], "format": "date-time"}
