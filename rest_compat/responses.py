"""The standard error body as an HTTP response."""

from collections.abc import Mapping

from starlette.responses import JSONResponse

from ground.errors import AppError


def error_response(error: AppError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=headers)
