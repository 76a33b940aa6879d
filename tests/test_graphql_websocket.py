"""GraphQL subscriptions over WebSocket (graphql-transport-ws) on /graphql, with a real
WebSocket client against a real server: the token in connection_init, the tutor's answer
streamed as deltas then the stored message, the same safeguarding as the REST stream, and
connections without a valid token closed with the protocol's code."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from ground.settings import Settings
from learnloom.app import create_app
from learnloom.demo import DEMO_ACCOUNTS
from resolvers.tokens import TokenService, TokenType
from tests.conftest import client_for, make_settings
from tests.helpers import bearer, login, rows
from tests.servers import serving
from tests.tutor_helpers import start_lesson

pytestmark = pytest.mark.anyio
PROTOCOL = "graphql-transport-ws"
# The self-harm flags raised for a student, by e-mail.
FLAGS = (
    "SELECT count(*) FROM tutor_flags f JOIN users u ON u.id = f.student_id "
    "WHERE u.email = :e AND f.category = 'self_harm'"
)
STREAM = """subscription($session: String!, $message: String!) {
  chatStream(sessionId: $session, message: $message) { delta message { id message } }
}"""


async def _receive(socket: websockets.ClientConnection, pings: bool = False) -> dict:
    """The next message; the server's keep-alive pings are answered with a pong and skipped,
    as a client does, unless `pings` (the test of the pings themselves)."""
    while True:
        message = json.loads(await socket.recv(decode=True))
        if pings or message != {"type": "ping"}:
            return dict(message)
        await socket.send(json.dumps({"type": "pong"}))


async def _student_token(settings: Settings) -> str:
    async for client in client_for(settings):
        return str((await login(client, DEMO_ACCOUNTS["STUDENT"]))["access_token"])
    raise AssertionError("no client")


async def _closed_with(socket: ClientConnection) -> int:
    """The close code the server ends the connection with, before sending anything else."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await _receive(socket)
    assert closed.value.rcvd is not None, "closed without a code"
    return closed.value.rcvd.code


@asynccontextmanager
async def _acknowledged(settings: Settings, token: str) -> AsyncIterator[ClientConnection]:
    """A real server for `settings` and a connection to it that `token` opened."""
    async with (
        serving(create_app(settings)) as port,
        websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]) as socket,
    ):
        await socket.send(json.dumps({"type": "connection_init", "payload": bearer(token)}))
        assert (await _receive(socket))["type"] == "connection_ack"
        yield socket


async def test_chat_streams_over_graphql_transport_ws(
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path)
    async for client in client_for(settings):
        lesson = await start_lesson(client, database_url, "Adjectives Describe Nouns")
        token = (await login(client, DEMO_ACCOUNTS["STUDENT"]))["access_token"]
    async with serving(create_app(settings)) as port:
        url = f"ws://127.0.0.1:{port}/graphql"
        async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:
            assert socket.subprotocol == PROTOCOL
            await socket.send(json.dumps({"type": "connection_init", "payload": bearer(token)}))
            assert (await _receive(socket))["type"] == "connection_ack"
            variables = {"session": lesson.session_id, "message": "What does an adjective do?"}
            await socket.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": STREAM, "variables": variables},
                    }
                )
            )
            pieces = []
            while (message := await _receive(socket))["type"] == "next":
                pieces.append(message["payload"]["data"]["chatStream"])
            assert message == {"id": "1", "type": "complete"}
            deltas = [p["delta"] for p in pieces if p["delta"] is not None]
            final = pieces[-1]["message"]
            assert len(deltas) > 1 and final is not None and "".join(deltas) == final["message"]
            assert "adjective" in final["message"] and final["id"].startswith("msg_")
            # A cry for help is answered with care on this path too.
            cry = {"session": lesson.session_id, "message": "i dont want to be alive anymore"}
            before = await rows(database_url, FLAGS, e=DEMO_ACCOUNTS["STUDENT"])
            await socket.send(
                json.dumps(
                    {"id": "2", "type": "subscribe", "payload": {"query": STREAM, "variables": cry}}
                )
            )
            answer = ""
            while (message := await _receive(socket))["type"] == "next":
                answer = (message["payload"]["data"]["chatStream"]["message"] or {}).get(
                    "message", answer
                )
            assert "116" in answer and (
                "trusted adult" in answer.lower() or "teacher" in answer.lower()
            )
            # ... and an adult hears of it: the flag is raised on this path as on the others.
            after = await rows(database_url, FLAGS, e=DEMO_ACCOUNTS["STUDENT"])
            assert after == [(before[0][0] + 1,)], (before, after)


async def test_connections_without_a_valid_token_are_closed(
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path)
    expired, _ = TokenService(settings).issue(
        user_id=1,
        token_type=TokenType.ACCESS,
        token_version=0,
        ttl=timedelta(minutes=15),
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    async with serving(create_app(settings)) as port:
        url = f"ws://127.0.0.1:{port}/graphql"
        for payload in ({}, bearer("not-a-token"), bearer(expired)):
            async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:
                await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
                assert await _closed_with(socket) == 4403, payload
        # Subscribing before the connection is acknowledged is refused too.
        async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:
            await socket.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": STREAM}})
            )
            assert await _closed_with(socket) == 4401


async def test_a_connection_is_closed_when_its_token_expires(
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path)
    claims = TokenService(settings).decode(await _student_token(settings), TokenType.ACCESS)
    # The same student's token, expiring two seconds from now.
    short, _ = TokenService(settings).issue(
        user_id=claims.user_id,
        token_type=TokenType.ACCESS,
        token_version=claims.token_version,
        ttl=timedelta(seconds=62),
        now=datetime.now(UTC) - timedelta(seconds=60),
    )
    async with _acknowledged(settings, short) as socket:
        assert await _closed_with(socket) == 4401


async def test_an_idle_connection_is_kept_alive_with_pings(
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = make_settings(database_url, tmp_path, graphql_ws_ping_seconds=0.2)
    async with _acknowledged(settings, await _student_token(settings)) as socket:
        for _ in range(2):
            assert await _receive(socket, pings=True) == {"type": "ping"}
            await socket.send(json.dumps({"type": "pong"}))


async def test_the_ai_chat_rate_limit_holds_over_websocket(
    database_url: str,
    tmp_path: Path,
) -> None:
    """A socket is no way around LEARNLOOM_RATE_LIMIT_AI_CHAT: past it, a subscription ends
    with an error carrying RATE_LIMIT_EXCEEDED, as the REST chat answers 429."""
    settings = make_settings(database_url, tmp_path, rate_limit_ai_chat="2/hour")
    async for client in client_for(settings):
        lesson = await start_lesson(client, database_url, "Adjectives Describe Nouns")
    token = await _student_token(settings)
    async with _acknowledged(settings, token) as socket:
        variables = {"session": lesson.session_id, "message": "What does an adjective do?"}
        outcomes = []
        for number in range(1, 4):
            await socket.send(
                json.dumps(
                    {
                        "id": str(number),
                        "type": "subscribe",
                        "payload": {"query": STREAM, "variables": variables},
                    }
                )
            )
            codes = set()
            while (message := await _receive(socket))["type"] == "next":
                for error in message["payload"].get("errors", []):
                    codes.add(error.get("extensions", {}).get("code", error["message"]))
            assert message["type"] == "complete"
            outcomes.append(codes)
        assert outcomes == [set(), set(), {"RATE_LIMIT_EXCEEDED"}]
