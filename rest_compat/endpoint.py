"""The one generic REST endpoint: read the variables, execute the pre-parsed operation
in-process, shape the result, or map the error to the standard body."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import ExecutionResult, execute
from graphql.execution.values import VariableValues
from starlette.requests import HTTPConnection, Request
from starlette.types import Receive, Scope, Send
from strawberry.execution.is_awaitable import optimized_is_awaitable

from ground.asgi import send_json, send_not_modified
from ground.errors import AppError, masked
from rest_compat.compile import BODY_METHODS, CompiledRoute
from rest_compat.conditional import etag_of, still_current
from rest_compat.executor import FacadeExecutor, error_of
from rest_compat.inputs import NO_VARIABLES, as_given, read_variables
from rest_compat.route import Envelope
from rest_compat.stream import serve_stream, wants_stream
from schema.core_schema import graphql_core_schema

log = logging.getLogger(__name__)

ContextFactory = Callable[[HTTPConnection], Any]
Authenticate = Callable[[Any], Awaitable[Any]]


class RestEndpoint:
    def __init__(
        self,
        compiled: CompiledRoute,
        schema: strawberry.Schema,
        context_factory: ContextFactory,
        authenticate: Authenticate | None = None,
    ) -> None:
        self.compiled = compiled
        self._schema = schema
        self._graphql_schema = graphql_core_schema(schema)
        self._context_factory = context_factory
        # Non-public routes authenticate before reading inputs, so an anonymous caller
        # learns nothing about a route's inputs: 401 comes before 422. The resolvers still
        # decide what the caller may see.
        self._authenticate = None if compiled.route.public else authenticate
        # Most GET routes take no input at all: skip reading it.
        self._has_inputs = bool(compiled.variables) or compiled.route.method in BODY_METHODS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A raw ASGI app: the facade is on every REST request's path, so it skips
        Starlette's per-endpoint wrapping and builds its response bytes directly."""
        request = Request(scope, receive)
        context = self._context_factory(request)
        try:
            if self._authenticate is not None:
                await self._authenticate(context)
            variables = (
                await read_variables(request, self.compiled, self._graphql_schema)
                if self._has_inputs
                else NO_VARIABLES
            )
            if self.compiled.stream is not None and wants_stream(scope["headers"]):
                await serve_stream(send, self.compiled, self._schema, context, variables)
                return
            data = self._data(await self._execute(context, variables), context.request_id)
            status, body = self.compiled.route.status, self._shape(data)
        except AppError as error:
            status, body = error.status, error.body()
        except Exception as exc:
            hidden = masked(
                exc, log, f"{request.method} {request.url.path} (request {context.request_id})"
            )
            status, body = hidden.status, hidden.body()
        etag = etag_of(context) if status < 300 else None
        if etag is None:
            await send_json(send, status, body)
        elif request.method == "GET" and still_current(request.headers, etag):
            await send_not_modified(send, etag)
        else:
            await send_json(send, status, body, [(b"etag", etag.encode())])

    async def _execute(self, context: Any, variables: VariableValues) -> ExecutionResult:
        result = execute(
            self._graphql_schema,
            self.compiled.document,
            context_value=context,
            variable_values=as_given(variables),
            executor_class=FacadeExecutor,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return result

    def _data(self, result: ExecutionResult, request_id: str) -> dict[str, Any]:
        if result.errors:
            raise error_of(result, request_id)
        assert result.data is not None
        return result.data

    def _shape(self, data: dict[str, Any]) -> Any:
        value = data[self.compiled.root_key]
        return {"data": value} if self.compiled.route.envelope is Envelope.DATA else value
