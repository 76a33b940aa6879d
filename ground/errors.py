"""The one error hierarchy. Each class carries the contract's code and HTTP status
(docs/api.md, Errors); GraphQL puts code and details in `extensions`, REST in the body."""

import errno
import logging
import sqlite3
from typing import Any

Details = dict[str, list[str]]
GRAPHQL_PATH = "/graphql"


class AppError(Exception):
    """An expected failure that a client may see."""

    code = "INTERNAL_SERVER_ERROR"
    status = 500
    default_message = "An unexpected error occurred"

    def __init__(self, message: str | None = None, details: Details | None = None) -> None:
        self.message = message or self.default_message
        self.details: Details = details or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def graphql_body(self) -> dict[str, Any]:
        """The same error as a GraphQL response, for refusals of /graphql that happen before
        any GraphQL runs (rate limit, body size, batching): GraphQL clients read
        `errors[].extensions.code`."""
        extensions = {"code": self.code, "details": self.details}
        return {"data": None, "errors": [{"message": self.message, "extensions": extensions}]}

    def body_for(self, path: str) -> dict[str, Any]:
        return self.graphql_body() if path == GRAPHQL_PATH else self.body()


class BadRequest(AppError):
    """The request could not be read (malformed JSON, wrong content)."""

    code, status, default_message = "BAD_REQUEST", 400, "The request could not be read"


class InvalidCredentials(AppError):
    """Email or password incorrect."""

    code, status, default_message = "INVALID_CREDENTIALS", 401, "Email or password incorrect"


class InvalidToken(AppError):
    """Missing, invalid or expired token."""

    code, status, default_message = (
        "INVALID_TOKEN",
        401,
        "Authentication token is missing or invalid",
    )


class PermissionDenied(AppError):
    """The caller lacks the role or the relation to the object."""

    code, status, default_message = "PERMISSION_DENIED", 403, "You do not have permission for this"


class NotFound(AppError):
    """The resource does not exist (or is not visible to the caller)."""

    code, status, default_message = (
        "RESOURCE_NOT_FOUND",
        404,
        "The requested resource does not exist",
    )


class MethodNotAllowed(AppError):
    """The path exists but not with this method."""

    code, status, default_message = "METHOD_NOT_ALLOWED", 405, "Method not allowed on this path"


class Conflict(AppError):
    """The request conflicts with the current state."""

    code, status, default_message = "CONFLICT", 409, "The request conflicts with the current state"


class PayloadTooLarge(AppError):
    """The request body is over the size the server reads."""

    code, status, default_message = "PAYLOAD_TOO_LARGE", 413, "The request body is too large"


class RequestTimeout(AppError):
    """The client did not send its whole body in time."""

    code, status, default_message = (
        "REQUEST_TIMEOUT",
        408,
        "The request body did not arrive in time",
    )


class ValidationFailed(AppError):
    """Input validation failed; details name each field."""

    code, status, default_message = "VALIDATION_ERROR", 422, "Input validation failed"


class RateLimited(AppError):
    """Too many requests."""

    code, status, default_message = "RATE_LIMIT_EXCEEDED", 429, "Too many requests"


class ServiceUnavailable(AppError):
    """A dependency is not ready."""

    code, status, default_message = "SERVICE_UNAVAILABLE", 503, "The service is not available yet"


class InternalError(AppError):
    """Anything unexpected, masked."""


def error_body(code: str, message: str, details: Details | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


class StorageUnavailable(ServiceUnavailable):
    """The database or the data directory cannot be read or written (read-only, full, gone):
    the operator's problem, not the client's, and not a bug."""

    code, default_message = "STORAGE_UNAVAILABLE", "Storage is not available; try again later"


# OSError numbers of a storage fault: read-only file system, permission, disk full, I/O
_STORAGE_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EIO, errno.EDQUOT}
# sqlite3's messages for the same faults (it raises OperationalError without an errno;
# SQLAlchemy's error carries it as `orig`)
_SQLITE_FAULTS = (
    "unable to open database file",
    "attempt to write a readonly database",
    "database or disk is full",
    "disk i/o error",
)


def storage_fault(exc: BaseException | None) -> StorageUnavailable | None:
    """A StorageUnavailable when `exc`, or an exception it was raised from, is a storage
    fault; None for anything else (a bug stays a 500)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
            return StorageUnavailable()
        if isinstance(exc, sqlite3.OperationalError) and any(
            fault in str(exc).lower() for fault in _SQLITE_FAULTS
        ):
            return StorageUnavailable()
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return None


def masked(exc: BaseException, log: logging.Logger, where: str) -> AppError:
    """What the client sees of an exception no code expected, logged for the operator: a
    storage fault as a one-line warning and a 503, anything else with its traceback and a
    masked 500."""
    fault = storage_fault(exc)
    if fault is not None:
        log.warning("storage unavailable in %s: %s", where, exc)
        return fault
    log.error("unexpected error in %s", where, exc_info=exc)
    return InternalError()
