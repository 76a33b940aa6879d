"""The schema served at /graphql and executed in-process by the REST facade."""

from graphql import GraphQLError
from strawberry import Schema
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import is_unexpected, log_unexpected
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES


class LearnLoomSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors are answers, not incidents: only the unexpected ones are logged.
        context = execution_context.context if execution_context else None
        request_id = getattr(context, "request_id", None)
        for error in errors:
            if is_unexpected(error):
                log_unexpected(error, request_id)


schema = LearnLoomSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(auto_camel_case=True),
    scalar_overrides=SCALAR_OVERRIDES,
)


def sdl() -> str:
    return schema.as_str() + "\n"
