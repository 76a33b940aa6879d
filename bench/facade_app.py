"""The application under benchmark: the real app plus, in the same process behind the same
middleware, a bare Starlette JSON endpoint (the baseline of docs/budgets.md) and the
hand-written endpoints of bench/hand_written.py (the anchor of the real routes)."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.hand_written import hand_written_routes
from learnloom import rate_limits
from learnloom.app import create_app

BARE_BODY = {"status": "ok", "message": "Backend is running"}


async def bare(_: Request) -> JSONResponse:
    return JSONResponse(BARE_BODY)


def create_bench_app() -> Starlette:
    # /api/health is exempt from rate limiting (probes must never be refused); the baseline
    # and the /graphql view get the same treatment, so all three take the same middleware
    # path and the load of one client is never refused.
    rate_limits.EXEMPT_PATHS = (*rate_limits.EXEMPT_PATHS, "/bench/bare", "/graphql")
    app = create_app()
    app.router.routes[:0] = [
        Route("/bench/bare", bare, methods=["GET"]),
        *hand_written_routes(app.state.learnloom),
    ]
    return app
