"""How the facade executes a document in-process."""

from graphql import ExecutionResult
from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from learnloom.errors import AppError, InternalError
from schema.errors import app_error, is_unexpected, log_unexpected


class FacadeExecutor(Executor):
    """graphql-core's plain executor (facade documents use no @defer or @stream, so the
    incremental one is not needed and costs more) with Strawberry's resolve info, which
    Strawberry's resolvers expect."""

    operation_extensions = None
    build_resolve_info = StrawberryGraphQLCoreExecutionContext.build_resolve_info


def error_of(result: ExecutionResult, request_id: str) -> AppError:
    """The error a failed result stands for, in the REST error format; unexpected ones are
    logged with the request id and masked."""
    error = result.errors[0] if result.errors else None
    if error is not None and is_unexpected(error):
        log_unexpected(error, request_id)
    return (app_error(error) if error is not None else None) or InternalError()
