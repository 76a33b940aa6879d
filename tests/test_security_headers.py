"""Security headers on every response, and CORS for configured origins only."""

from pathlib import Path

import httpx
import pytest

from ground.settings import Settings
from tests.conftest import client_for

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "path", ["/api/health", "/graphql", "/docs", "/static/graphiql-init.js", "/api/nowhere"]
)
async def test_every_response_carries_the_security_headers(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers={"accept": "text/html"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


async def test_cors_is_off_unless_origins_are_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_cors_allows_only_configured_origins(empty_database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        database_url=empty_database_url,
        cors_origins=["https://app.learnloom.example"],
    )
    async for client in client_for(settings):
        allowed = await client.options(
            "/api/v1/auth/login/",
            headers={
                "Origin": "https://app.learnloom.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert allowed.headers["access-control-allow-origin"] == "https://app.learnloom.example"
        refused = await client.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers
