"""Counts every HTTP request for /metrics (ground/metrics.py): by the template of the route
that answered it ("/api/v1/sessions/{session_id}/", never the path itself, so a scraper
sees a bounded set of series), its method and status, and how long it took."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ground.metrics import LATENCY, REQUESTS

UNMATCHED = "unmatched"  # no route: a 404 for an unknown path


class RequestMetricsMiddleware:
    """Outermost but one (inside the request id): what it counts is what the client got,
    refusals of the inner middleware (rate limits, body limits) included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, status = time.perf_counter(), 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            # The router notes the route it chose in this same scope.
            route = getattr(scope.get("route"), "path", UNMATCHED)
            REQUESTS.labels(route, scope["method"], str(status)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - began)
