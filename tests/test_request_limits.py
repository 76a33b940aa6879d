"""Requests no server should read in full: bodies over the size limit are refused with 413
before they are parsed (at once when Content-Length says so), and a body that trickles in
is cut off with 408, in the standard error body, through real HTTP."""

import asyncio
from pathlib import Path

import httpx
import pytest

from learnloom.app import create_app
from tests.conftest import client_for, make_settings
from tests.helpers import assert_error
from tests.servers import serving

pytestmark = pytest.mark.anyio
LOGIN = "/api/v1/auth/login/"


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(empty_database_url, tmp_path, rate_limit_login="3/hour")
    async for client in client_for(settings):
        huge = b'{"email": "' + b"a" * (2 << 20) + b'", "password": "x"}'
        refused = await client.post(
            LOGIN, content=huge, headers={"content-type": "application/json"}
        )
        error = assert_error(refused, 413, "PAYLOAD_TOO_LARGE")
        assert "body" in error["details"]
        assert refused.headers["x-request-id"] and "x-ratelimit-limit" in refused.headers

        async def chunked():  # no Content-Length: counted as it arrives
            for _ in range(40):
                yield b"x" * 65536

        streamed = await client.post("/graphql", content=chunked())
        assert streamed.status_code == 413
        assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        # The refused bodies never reached the login: its budget of three is untouched.
        for _ in range(3):
            wrong = {"email": "nobody@demo.learnloom.test", "password": "wrong"}
            assert_error(await client.post(LOGIN, json=wrong), 401, "INVALID_CREDENTIALS")
        # A body within the limit is served as before.
        ok = await client.post("/graphql", json={"query": "{ health { status } }"})
        assert ok.status_code == 200 and ok.json()["data"]["health"]["status"] == "ok"


async def test_a_body_that_never_finishes_is_cut_off(
    empty_database_url: str, tmp_path: Path
) -> None:
    """A real server and a raw socket: half a body, then silence."""
    settings = make_settings(empty_database_url, tmp_path, body_timeout_seconds=0.5)
    async with serving(create_app(settings)) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /api/v1/auth/login/ HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"email": "'
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), timeout=5)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b'"REQUEST_TIMEOUT"' in answer
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/api/health")).status_code == 200
