"""Rate limits: headers everywhere, login limited per IP across GraphQL and REST, the
default limit, trusted proxies, and one budget shared by two processes through Redis.

The tests' limits are per hour, not per minute: the sliding-window counter weighs the last
window's hits by how much of it still overlaps, so a test that straddles a window boundary
sees its count fall (a flake once a minute boundary fell inside a test)."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import client_for, make_settings
from tests.helpers import assert_error
from tests.servers import running_servers

pytestmark = pytest.mark.anyio
LOGIN = "/api/v1/auth/login/"
WRONG = {"email": "nobody@demo.learnloom.test", "password": "wrong"}


async def test_responses_carry_rate_limit_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/system-status")
    assert int(response.headers["x-ratelimit-limit"]) == 100000
    assert 0 <= int(response.headers["x-ratelimit-remaining"]) < 100000
    assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
    # Probes report the caller's budget too (every response does), without spending it.
    for probe in ("/api/health", "/api/v1/ai/health/"):
        before = int((await client.get("/api/system-status")).headers["x-ratelimit-remaining"])
        probed = await client.get(probe)
        assert probed.headers["x-ratelimit-limit"] == "100000", probe
        assert int(probed.headers["x-ratelimit-remaining"]) == before, probe
        assert int(probed.headers["x-ratelimit-reset"]) >= int(time.time())


async def test_login_is_limited_per_ip_across_rest_and_graphql(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(empty_database_url, tmp_path, rate_limit_login="5/hour")
    async for client in client_for(settings):
        for attempt in range(4):
            response = await client.post(LOGIN, json=WRONG)
            assert_error(response, 401, "INVALID_CREDENTIALS")
            assert response.headers["x-ratelimit-limit"] == "5"
            assert response.headers["x-ratelimit-remaining"] == str(4 - attempt)
        mutation = 'mutation { login(email: "x@y.test", password: "z") { accessToken } }'
        fifth = (await client.post("/graphql", json={"query": mutation})).json()
        assert fifth["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
        refused = await client.post(LOGIN, json=WRONG, headers={"X-Forwarded-For": "10.9.8.7"})
        error = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert int(refused.headers["retry-after"]) >= 1
        assert "retry_after" in error["details"]
        graphql = (await client.post("/graphql", json={"query": mutation})).json()
        assert graphql["errors"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"


async def test_forwarded_for_counts_only_from_trusted_proxies(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(
        empty_database_url, tmp_path, rate_limit_login="2/hour", trusted_proxies=["127.0.0.1"]
    )
    async for client in client_for(settings):
        for ip in ("203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"):
            response = await client.post(LOGIN, json=WRONG, headers={"X-Forwarded-For": ip})
            assert response.status_code == 401
        third = await client.post(LOGIN, json=WRONG, headers={"X-Forwarded-For": "203.0.113.1"})
        assert_error(third, 429, "RATE_LIMIT_EXCEEDED")


async def test_default_limit_applies_to_everything_but_health(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(empty_database_url, tmp_path, rate_limit_default="3/hour")
    async for client in client_for(settings):
        for _ in range(3):
            assert (await client.get("/api/system-status")).status_code == 200
        refused = await client.get("/api/system-status")
        assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert refused.headers["x-ratelimit-remaining"] == "0"
        graphql = await client.post("/graphql", json={"query": "{ health { status } }"})
        assert graphql.status_code == 429 and int(graphql.headers["retry-after"]) >= 1
        # GraphQL clients read the refusal where they read every error.
        [error] = graphql.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMIT_EXCEEDED" and error["message"]
        health = await client.get("/api/health")
        assert health.status_code == 200 and health.headers["x-ratelimit-remaining"] == "0"


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[str]]:
    redis_url = os.environ.get("LEARNLOOM_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("LEARNLOOM_TEST_REDIS_URL is not set")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNLOOM_")}
    env.update(
        LEARNLOOM_ENV="test",
        LEARNLOOM_DATA_DIR=str(tmp_path),
        LEARNLOOM_REDIS_URL=redis_url,
        LEARNLOOM_RATE_LIMIT_PREFIX=f"test-{uuid.uuid4().hex}",
        LEARNLOOM_RATE_LIMIT_LOGIN="5/hour",
    )
    subprocess.run(
        [sys.executable, "-m", "learnloom", "migrate"], env=env, check=True, capture_output=True
    )
    with running_servers(env, count=2) as bases:
        yield bases


def test_two_processes_share_the_login_budget_through_redis(two_servers: list[str]) -> None:
    statuses = [
        httpx.post(f"{two_servers[i % 2]}{LOGIN}", json=WRONG).status_code for i in range(5)
    ]
    assert statuses == [401] * 5
    for base in two_servers:
        refused = httpx.post(f"{base}{LOGIN}", json=WRONG)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
