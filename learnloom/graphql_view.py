"""Strawberry's Starlette view with this project's context, error format and an
offline GraphiQL page."""

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from learnloom.errors import AppError, BadRequest, MethodNotAllowed, NotFound
from learnloom.pages import GRAPHIQL_PAGE
from resolvers.context import Context
from rest_compat.endpoint import ContextFactory
from rest_compat.responses import error_response
from schema.errors import format_error

_HTTP_ERRORS: dict[int, type[AppError]] = {400: BadRequest, 404: NotFound, 405: MethodNotAllowed}


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: Any, context_factory: ContextFactory) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._context_factory = context_factory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:  # wrong method, unreadable body, ...
            error = _HTTP_ERRORS.get(exc.status_code, BadRequest)(exc.reason)
            response = error_response(error)
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
