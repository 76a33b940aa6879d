"""Starlette routes for the compiled REST table."""

from typing import Any

import strawberry
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

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
        _PathRoute(path, endpoints, claimed=_shadowed(path, by_path))
        for path, endpoints in by_path.items()
    ]


class _PathRoute(Route):
    """A path's route. It also matches the methods it claims from a shadowing path, to
    refuse them, but its Allow header (of every 405 here, OPTIONS included) names only the
    methods the path really has."""

    def __init__(self, path: str, endpoints: dict[str, RestEndpoint], claimed: set[str]):
        dispatcher = _ByMethod(endpoints)
        super().__init__(path, dispatcher, methods=[*endpoints, *claimed])
        self.allow_header = dispatcher.allow

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(405, headers={"Allow": self.allow_header})
        await self.app(scope, receive, send)


def _shadowed(path: str, by_path: dict[str, Any]) -> set[str]:
    """The methods of another path with a parameter where `path` has a word, which would
    take a request to `path` for themselves: PATCH /webhooks/deliveries/ would run
    PATCH /webhooks/{id}/ with the id "deliveries" (a 422) instead of being a 405. This path's
    route claims them, to refuse them."""
    own = path.strip("/").split("/")
    found: set[str] = set()
    for other, endpoints in by_path.items():
        theirs = other.strip("/").split("/")
        if other == path or len(theirs) != len(own) or other.endswith("/") != path.endswith("/"):
            continue
        if all(
            t == o or (t.startswith("{") and not o.startswith("{"))
            for t, o in zip(theirs, own, strict=True)
        ):
            found |= set(endpoints)
    return found - set(by_path[path])


class _ByMethod:
    """The operations on one path (GET, PATCH, DELETE of a school), and a 405 for a method
    claimed from a shadowing path (`_shadowed`). A class, not a function: Starlette treats
    plain functions as request handlers, objects as ASGI apps."""

    def __init__(self, endpoints: dict[str, RestEndpoint]) -> None:
        self._endpoints = endpoints
        self.allow = ", ".join(sorted({*endpoints, *(("HEAD",) if "GET" in endpoints else ())}))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        endpoint = self._endpoints.get(method)
        if endpoint is None:
            raise HTTPException(405, headers={"Allow": self.allow})
        await endpoint(scope, receive, send)
