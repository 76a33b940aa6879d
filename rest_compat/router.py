"""Starlette routes for the compiled REST table."""

import strawberry
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from rest_compat.compile import CompiledRoute
from rest_compat.endpoint import Authenticate, ContextFactory, RestEndpoint


def rest_routes(
    compiled: list[CompiledRoute],
    schema: strawberry.Schema,
    context_for: ContextFactory,
    authenticate: Authenticate | None = None,
) -> list[Route]:
    """One Starlette route per path, dispatching on the method, so a wrong method on a
    known path is a 405 that lists every allowed method."""
    by_path: dict[str, dict[str, RestEndpoint]] = {}
    for item in compiled:
        endpoint = RestEndpoint(item, schema, context_for, authenticate)
        by_path.setdefault(item.route.path, {})[item.route.method] = endpoint
    return [
        Route(path, _dispatcher(endpoints), methods=list(endpoints))
        for path, endpoints in by_path.items()
    ]


def _dispatcher(endpoints: dict[str, RestEndpoint]) -> ASGIApp:
    """The route's ASGI app; Starlette has already refused methods not in `endpoints`."""
    if len(endpoints) == 1:
        return next(iter(endpoints.values()))
    return _ByMethod(endpoints)


class _ByMethod:
    """Several operations on one path (GET, PATCH, DELETE of a school). A class, not a
    function: Starlette treats plain functions as request handlers, objects as ASGI apps."""

    def __init__(self, endpoints: dict[str, RestEndpoint]) -> None:
        self._endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        await self._endpoints[method](scope, receive, send)
