"""The application factory: one Starlette app serving GraphQL, the REST facade, the
OpenAPI document and the offline GraphiQL and docs pages."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry import Schema

from analytics.locations import report_path
from ground.errors import (
    GRAPHQL_PATH,
    AppError,
    MethodNotAllowed,
    NotFound,
    masked,
)
from ground.settings import Settings, get_settings
from ground.version import app_version
from learnloom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from learnloom.graphql_view import GraphQLView
from learnloom.metrics_page import metrics_response
from learnloom.middleware import BodyLimitMiddleware, StandardHeadersMiddleware
from learnloom.pages import DASHBOARD_PAGE, DOCS_PAGE, MODEL_REPORT_PAGE, landing_page
from learnloom.rate_limits import RateLimitMiddleware
from learnloom.request_metrics import RequestMetricsMiddleware
from learnloom.state import build_state
from learnloom.worker import run_jobs
from resolvers.authentication import current_user
from resolvers.context import AppState, Context
from resolvers.permissions import ADMINS, require_role
from resolvers.rate_limiter import Verdict
from resolvers.system import database_answers
from rest_compat.compile import CompiledRoute, compile_routes
from rest_compat.openapi import openapi_document
from rest_compat.responses import error_response
from rest_compat.route import RestRoute
from rest_compat.router import rest_routes
from rest_compat.routes import ROUTES
from schema.core_schema import graphql_core_schema
from schema.root import build_schema
from tutor import safety

STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def facade_of(
    schema: Schema, routes: tuple[RestRoute, ...]
) -> tuple[list[CompiledRoute], dict[str, Any]]:
    """`routes` compiled against `schema`, and their OpenAPI document: once per schema,
    which every application of a process with the same limits shares."""
    compiled = compile_routes(graphql_core_schema(schema), routes)
    return compiled, openapi_document(compiled, version=app_version())


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    state = build_state(settings)
    schema = build_schema(settings)
    compiled, openapi = facade_of(schema, ROUTES)  # a bad document fails start-up here

    def context_for(request: HTTPConnection) -> Context:
        # Read from the scope directly: `request.state` builds a State object per request.
        scope_state = request.scope["state"]

        def report_limit(verdict: Verdict) -> None:
            # The rate-limit middleware reports it in the X-RateLimit-* headers.
            scope_state["rate_limit"] = verdict

        return Context(
            state=state,
            request_id=scope_state["request_id"],
            request=request,
            report_limit=report_limit,
        )

    async def openapi_json(_: Request) -> JSONResponse:
        return JSONResponse(openapi)

    async def docs(_: Request) -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    async def home(request: Request) -> HTMLResponse:
        up = await database_answers(
            state.engine, settings.database_check_timeout, request.headers.get("x-request-id")
        )
        return HTMLResponse(
            landing_page(
                version=app_version(),
                database_up=up,
                demo_accounts=DEMO_ACCOUNTS,
                demo_password=DEMO_PASSWORD if settings.env == "dev" else None,
            )
        )

    async def dashboard(_: Request) -> HTMLResponse:
        return HTMLResponse(DASHBOARD_PAGE)

    async def model_report(_: Request) -> HTMLResponse:
        return HTMLResponse(MODEL_REPORT_PAGE)

    async def model_report_content(request: Request) -> Response:
        # Fetched by /reports/model's script with the administrator's token.
        try:
            require_role(await current_user(context_for(request)), ADMINS)
            html = await anyio.Path(report_path(settings.model_dir)).read_text("utf-8")
        except FileNotFoundError:
            return error_response(
                NotFound("No model report yet: `learnloom train` writes one when it publishes")
            )
        except AppError as error:
            return error_response(error)
        return HTMLResponse(html)

    async def metrics(request: Request) -> Response:
        return await metrics_response(request, state)

    async def favicon(_: Request) -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    def without_slash(path: str) -> Route:
        # 308 keeps the method and body: a POST to /graphql/ is a POST to /graphql.
        async def redirect(_: Request) -> RedirectResponse:
            return RedirectResponse(path, status_code=308)

        return Route(f"{path}/", redirect, methods=["GET", "POST"])

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # Objects built at start-up live as long as the process: moving them out of the
        # collector's generations makes every later collection cheaper.
        gc.collect()
        gc.freeze()
        state.users.start(state.engine)
        # Load the completion model (and import xgboost) now, in the background, rather
        # than in the first prediction request of this process.
        asyncio.get_running_loop().run_in_executor(None, preload_models, state)
        # Likewise the safeguarding classifier (naive Bayes learns in under a second, the
        # regressions' weights are read, the patterns compiled), before the first message,
        # but a moment after start-up, so the first answers of a new process are not slowed.
        loop = asyncio.get_running_loop()
        loop.call_later(1.0, loop.run_in_executor, None, safety.screen, "warming up")
        if settings.background_jobs:
            async with anyio.create_task_group() as background:
                stop = anyio.Event()
                background.start_soon(run_jobs, settings, stop)
                try:
                    yield
                finally:
                    stop.set()
        else:
            yield
        await state.close()

    graphql = GraphQLView(schema, context_for)
    routes: list[BaseRoute] = [
        *rest_routes(compiled, schema, context_for, current_user),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/dashboard", dashboard, methods=["GET"]),
        Route("/reports/model", model_report, methods=["GET"]),
        Route("/reports/model/content", model_report_content, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        without_slash("/docs"),
        without_slash("/graphql"),
        without_slash("/dashboard"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(StandardHeadersMiddleware),
            Middleware(RequestMetricsMiddleware),
            Middleware(
                RateLimitMiddleware, limiter=state.limiter, tokens=state.tokens, settings=settings
            ),
            *cors(settings),
            # Innermost: its refusals carry the request id, the rate-limit and CORS headers.
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_body_bytes,
                timeout=settings.body_timeout_seconds,
            ),
        ],
        exception_handlers={HTTPException: http_error, Exception: unexpected_error},
        lifespan=lifespan,
    )
    # Paths are exactly the contracts' (v1 with a trailing slash, /api/... without); a near
    # miss is a 404 in the standard body rather than a redirect that POST clients mishandle.
    app.router.redirect_slashes = False
    app.state.learnloom = state
    return app


def preload_models(state: AppState) -> None:
    try:
        state.models.current()
        state.risk_models.current()
    except Exception:  # a damaged artefact: requests will report it, start-up goes on
        log.exception("could not load the completion model at start-up")


def cors(settings: Settings) -> list[Middleware]:
    """Cross-origin calls only from the configured frontend origins; none by default."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=[
                "X-Request-ID",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Retry-After",
            ],
            max_age=600,
        )
    ]


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error: AppError
    if exc.status_code == 404:
        error = NotFound(f"No such path: {request.method} {request.url.path}")
    elif exc.status_code == 405:
        error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}")
    else:
        error = AppError(exc.detail)
        error.status, error.code = exc.status_code, "HTTP_ERROR"
    if request.url.path == GRAPHQL_PATH:  # GraphQL clients read errors[].extensions.code
        return JSONResponse(error.graphql_body(), status_code=error.status, headers=exc.headers)
    return error_response(error, headers=exc.headers)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    return error_response(masked(exc, log, f"{request.method} {request.url.path}"))
