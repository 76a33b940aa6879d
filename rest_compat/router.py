"""Starlette routes for the compiled REST table."""

from collections.abc import Awaitable, Callable

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from rest_compat.compile import CompiledRoute
from rest_compat.endpoint import ContextFactory, RestEndpoint


def rest_routes(
    compiled: list[CompiledRoute], schema: strawberry.Schema, context_for: ContextFactory
) -> list[Route]:
    """One Starlette route per path, dispatching on the method, so a wrong method on a
    known path is a 405 that lists every allowed method."""
    by_path: dict[str, dict[str, RestEndpoint]] = {}
    for item in compiled:
        endpoint = RestEndpoint(item, schema, context_for)
        by_path.setdefault(item.route.path, {})[item.route.method] = endpoint
    return [
        Route(path, _dispatcher(endpoints), methods=list(endpoints))
        for path, endpoints in by_path.items()
    ]


def _dispatcher(endpoints: dict[str, RestEndpoint]) -> Callable[[Request], Awaitable[Response]]:
    if len(endpoints) == 1:
        return next(iter(endpoints.values())).handle  # HEAD reaches a GET route's handler

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method].handle(request)

    return dispatch
