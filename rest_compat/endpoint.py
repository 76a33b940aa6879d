"""The one generic REST endpoint: read the variables, execute the pre-parsed operation
in-process, shape the result, or map the error to the standard body."""

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import ExecutionResult, execute
from graphql.execution import Executor
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from learnloom.errors import AppError, InternalError
from rest_compat.compile import BODY_METHODS, CompiledRoute
from rest_compat.inputs import read_variables
from rest_compat.responses import error_response
from rest_compat.route import Envelope
from schema.errors import app_error, is_unexpected, log_unexpected

log = logging.getLogger(__name__)

ContextFactory = Callable[[HTTPConnection], Any]


class FacadeExecutor(Executor):
    """graphql-core's plain executor (facade documents use no @defer or @stream, so the
    incremental one is not needed and costs more) with Strawberry's resolve info, which
    Strawberry's resolvers expect."""

    operation_extensions = None
    build_resolve_info = StrawberryGraphQLCoreExecutionContext.build_resolve_info


class RestEndpoint:
    def __init__(
        self, compiled: CompiledRoute, schema: strawberry.Schema, context_factory: ContextFactory
    ) -> None:
        self.compiled = compiled
        self._schema = schema
        self._graphql_schema = schema._schema
        self._context_factory = context_factory
        # Most GET routes take no input at all: skip reading it.
        self._has_inputs = bool(compiled.variables) or compiled.route.method in BODY_METHODS

    async def handle(self, request: Request) -> Response:
        context = self._context_factory(request)
        try:
            variables = (
                await read_variables(request, self.compiled, self._graphql_schema)
                if self._has_inputs
                else {}
            )
            result = await self._execute(context, variables)
            body = self._shape(result, context.request_id)
        except AppError as error:
            return error_response(error)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            return error_response(InternalError())
        return JSONResponse(body, status_code=self.compiled.route.status)

    async def _execute(self, context: Any, variables: dict[str, Any]) -> ExecutionResult:
        result = execute(
            self._graphql_schema,
            self.compiled.document,
            context_value=context,
            variable_values=variables,
            executor_class=FacadeExecutor,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return result

    def _shape(self, result: ExecutionResult, request_id: str) -> Any:
        if result.errors:
            error = result.errors[0]
            if is_unexpected(error):
                log_unexpected(error, request_id)
            raise app_error(error) or InternalError()
        assert result.data is not None
        value = result.data[self.compiled.root_key]
        return {"data": value} if self.compiled.route.envelope is Envelope.DATA else value
