"""Strawberry's Starlette view with this project's context, error format and an
offline GraphiQL page."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from ground.errors import AppError, BadRequest, MethodNotAllowed, NotFound
from learnloom.pages import GRAPHIQL_PAGE
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.tokens import TokenType
from rest_compat.endpoint import ContextFactory
from schema.errors import format_error

_HTTP_ERRORS: dict[int, type[AppError]] = {400: BadRequest, 404: NotFound, 405: MethodNotAllowed}


class GraphQLView(GraphQL[Context, None]):
    """HTTP (GET for queries, POST) and, on the same path, WebSocket connections in the
    graphql-transport-ws protocol for subscriptions (`chatStream`): the access token comes
    in `connection_init` (`{"Authorization": "Bearer ..."}`) or the upgrade request's header;
    a connection without a valid one is closed with 4403, and one whose token expires is
    closed with 4401 at that moment. The server pings every LEARNLOOM_GRAPHQL_WS_PING_SECONDS.
    The same limits apply as over HTTP."""

    def __init__(self, schema: Any, context_factory: ContextFactory) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
        )
        self._context_factory = context_factory

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        try:
            user = await current_user(context)
        except AppError as error:
            raise ConnectionRejectionError({"code": error.code}) from None
        header = context.header("authorization") or ""
        claims = context.state.tokens.decode(header.partition(" ")[2].strip(), TokenType.ACCESS)
        socket = context.request
        remaining = (claims.expires_at - datetime.now(UTC)).total_seconds()
        loop = asyncio.get_running_loop()
        loop.call_later(max(0.0, remaining), lambda: asyncio.ensure_future(_close_expired(socket)))
        pinging = loop.create_task(_keep_alive(socket, context.settings.graphql_ws_ping_seconds))
        _PINGERS.add(pinging)
        pinging.add_done_callback(_PINGERS.discard)
        return {"user_id": user.id}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:  # wrong method, unreadable body, batching, ...
            error = _HTTP_ERRORS.get(exc.status_code, BadRequest)(exc.reason)
            response = JSONResponse(error.graphql_body(), status_code=error.status)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        # orjson has no recursion (10,000 nested brackets are an error, not a crash) and
        # refuses invalid UTF-8 and lone surrogates.
        return orjson.loads(data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context: Context = self._context_factory(request)
        return context

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(GRAPHIQL_PAGE)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(error) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response


_PINGERS: set[asyncio.Task[None]] = set()  # running keep-alives (the loop keeps weak refs)


async def _keep_alive(socket: WebSocket, interval: float) -> None:
    """A protocol ping every `interval` seconds, so proxies keep an idle connection open and
    a dead one is found; ends with the connection."""
    while True:
        await asyncio.sleep(interval)
        if socket.client_state != WebSocketState.CONNECTED:
            return
        try:
            await socket.send_text('{"type":"ping"}')
        except Exception:  # closed meanwhile
            return


async def _close_expired(socket: WebSocket) -> None:
    """The token of the connection has expired: the client must reconnect with a new one."""
    if socket.client_state != WebSocketState.DISCONNECTED:
        with contextlib.suppress(RuntimeError):
            await socket.close(code=4401, reason="The access token has expired")
