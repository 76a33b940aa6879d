"""The schema served at /graphql and executed in-process by the REST facade."""

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from ground.settings import Settings
from schema.errors import format_error, is_unexpected, log_unexpected
from schema.limits import QueryLimits, limits_extension
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALAR_OVERRIDES
from schema.subscription import Subscription


class LearnLoomSchema(Schema):
    async def execute(  # Strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """A query or mutation. A subscription sent as a plain request (an HTTP POST without
        a streaming protocol) is refused as the wrong operation, not run as a query."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed - {OperationType.SUBSCRIPTION},
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors are answers, not incidents: only the unexpected ones are logged.
        context = execution_context.context if execution_context else None
        request_id = getattr(context, "request_id", None)
        for error in errors:
            if is_unexpected(error):
                log_unexpected(error, request_id)
            # The WebSocket transport sends `error.formatted` as it is (HTTP answers pass
            # through format_error): give it the same masked message, code and details.
            shown = format_error(error)
            error.message, error.extensions = shown["message"], shown.get("extensions")


def build_schema(settings: Settings) -> LearnLoomSchema:
    """The served schema: the same types everywhere, with the abuse limits of `settings`.
    One schema per set of limits, shared by the applications of a process that ask with the
    same ones (a server builds one; the tests build hundreds of applications)."""
    return _schema(
        QueryLimits(
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            max_cost=settings.graphql_max_cost,
            default_page_size=settings.graphql_default_page_size,
            max_page_size=settings.graphql_max_page_size,
            introspection=settings.graphql_introspection,
            max_fields=settings.graphql_max_fields,
        ),
        max_tokens=settings.graphql_max_tokens,
        suggestions=settings.env == "dev",
    )


@lru_cache(maxsize=8)
def _schema(limits: QueryLimits, max_tokens: int, suggestions: bool) -> LearnLoomSchema:
    checked = limits_extension(limits)
    return LearnLoomSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(auto_camel_case=True, disable_field_suggestions=not suggestions),
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            # Dashboards send the same few documents again and again: each is parsed once
            # (a bounded LRU cache), and validated once (by the limits' extension).
            lambda: ParserCache(maxsize=256),
            checked,
        ],
    )


@cache
def default_schema() -> LearnLoomSchema:
    """For printing the SDL and compiling documents outside a server (the limits do not
    change either). Built on first use, so a server builds only its own."""
    return build_schema(Settings(env="test", _env_file=None))  # type: ignore[call-arg]


def sdl() -> str:
    return default_schema().as_str() + "\n"
