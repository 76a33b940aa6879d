"""How the facade executes a document in-process."""

from typing import Any

from graphql import ExecutionResult, GraphQLEnumType, GraphQLLeafType
from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from ground.errors import AppError, InternalError
from rest_compat.enums import value_of
from schema.errors import app_error, is_unexpected, log_unexpected


class FacadeExecutor(Executor):
    """graphql-core's plain executor (facade documents use no @defer or @stream, so the
    incremental one is not needed and costs more) with Strawberry's resolve info, which
    Strawberry's resolvers expect, answering enums with their values ("teach", not TEACH)."""

    operation_extensions = None
    build_resolve_info = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        completed = Executor.complete_leaf_value(return_type, result)
        if isinstance(return_type, GraphQLEnumType):  # REST answers "teach", not TEACH
            return value_of(return_type, completed)
        return completed


def error_of(result: ExecutionResult, request_id: str) -> AppError:
    """The error a failed result stands for, in the REST error format; unexpected ones are
    logged with the request id and masked."""
    error = result.errors[0] if result.errors else None
    if error is not None and is_unexpected(error):
        log_unexpected(error, request_id)
    return (app_error(error) if error is not None else None) or InternalError()
