"""GET /api/health and GET /api/system-status, with exactly the keys clients rely on."""

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import client_for, make_settings

pytestmark = pytest.mark.anyio


async def test_health_answers_the_contract_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok", "message": "Backend is running"}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/api/health"), await client.get("/api/health")
    assert re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    echoed = await client.get("/api/health", headers={"X-Request-ID": "trace-42"})
    assert echoed.headers["x-request-id"] == "trace-42"
    unsafe = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


async def test_system_status_makes_a_real_database_round_trip(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/system-status")
    assert response.status_code == 200
    assert response.json() == {
        "backend": "running",
        "database_connected": True,
        "last_data_refresh": None,
        "model_version": None,  # beyond the contract's keys, which stay exact
    }


async def test_system_status_reports_a_down_database_without_failing(tmp_path: Path) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    settings = make_settings("postgresql+psycopg://postgres@127.0.0.1:1/none", tmp_path)
    async for client in client_for(settings):
        started = time.monotonic()
        response = await client.get("/api/system-status")
        assert time.monotonic() - started < settings.database_check_timeout + 5
        assert response.status_code == 200
        assert response.json()["database_connected"] is False
        assert (await client.get("/api/health")).status_code == 200


async def test_system_status_through_graphql(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ systemStatus { backend databaseConnected lastDataRefresh } }"},
    )
    assert response.json() == {
        "data": {
            "systemStatus": {
                "backend": "running",
                "databaseConnected": True,
                "lastDataRefresh": None,
            }
        }
    }
