"""How GraphQL errors leave the server: the contract's `code` and `details` in
`extensions`, expected errors as raised, anything unexpected masked and logged once."""

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from ground.errors import AppError, InternalError, storage_fault

log = logging.getLogger("ground.errors")

# Syntax, validation and variable-coercion errors: the client's document is at fault.
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def app_error(error: GraphQLError) -> AppError | None:
    """The AppError behind a GraphQL error, or None for document errors."""
    original = error.original_error
    if original is None or _is_variable_error(error):
        return None
    if isinstance(original, AppError):
        return original
    return storage_fault(original) or InternalError()


def _is_variable_error(error: GraphQLError) -> bool:
    """A variable the client sent that does not fit its type ("abc" for an Int): the
    coercion's own error is kept as the original, but the document is at fault."""
    return error.path is None and error.message.startswith("Variable '$")


def is_unexpected(error: GraphQLError) -> bool:
    return (
        error.original_error is not None
        and not isinstance(error.original_error, AppError)
        and not _is_variable_error(error)
    )


def log_unexpected(error: GraphQLError, request_id: str | None) -> None:
    if storage_fault(error.original_error) is not None:  # the operator's to fix: no traceback
        log.warning(
            "storage unavailable in %s (request %s): %s",
            ".".join(str(p) for p in error.path or ()) or "operation",
            request_id,
            error.original_error,
            extra={"request_id": request_id},
        )
        return
    log.error(
        "unexpected error in %s (request %s)",
        ".".join(str(p) for p in error.path or ()) or "operation",
        request_id,
        exc_info=error.original_error,
        extra={"request_id": request_id},
    )


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted = error.formatted
    known = app_error(error)
    if known is None:
        formatted["extensions"] = {"code": _document_error_code(error), "details": {}}
    else:
        formatted["message"] = known.message
        details = {camel(key): value for key, value in known.details.items()}
        formatted["extensions"] = {"code": known.code, "details": details}
    return dict(formatted)


def camel(key: str) -> str:
    """A details key as a GraphQL client spells the argument: `inputs[1].average_score` is
    `inputs[1].averageScore` (REST keeps the snake_case of its JSON bodies)."""
    return ".".join(_camel_segment(part) for part in key.split("."))


def _camel_segment(part: str) -> str:
    name, bracket, rest = part.partition("[")
    head, *tail = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in tail) + bracket + rest


def _document_error_code(error: GraphQLError) -> str:
    """Abuse-limit rules set their own code; the parser's token limit is recognised here."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if isinstance(error, GraphQLSyntaxError) and "tokens" in error.message:
        return "TOO_MANY_TOKENS"
    return GRAPHQL_VALIDATION_FAILED
