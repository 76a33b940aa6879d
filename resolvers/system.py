"""Health and system status: the two endpoints that must answer even when parts are down."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from anyio import to_thread
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.model_store import LoadedModel
from models.enums import AiHealthStatus
from resolvers import warehouse
from resolvers.context import Context
from tutor import gateway as tutor_gateway

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    """Liveness of the backend process."""

    status: str
    message: str


@dataclass(frozen=True)
class SystemStatus:
    """What the dashboard's system health page shows."""

    backend: str
    database_connected: bool
    last_data_refresh: datetime | None
    model_version: str | None


@dataclass(frozen=True)
class ModelHorizon:
    """The served completion model's figures at one horizon, on held-out students."""

    horizon: str
    auc: float
    brier: float
    test_rows: int
    caught: float


@dataclass(frozen=True)
class AiHealth:
    """Readiness of the AI service: the tutor and the completion model."""

    status: AiHealthStatus
    version: str
    response_time_ms: int
    model_loaded: bool
    last_training: datetime | None
    model_horizons: list[ModelHorizon]


HEALTHY = Health(status="ok", message="Backend is running")


def health() -> Health:
    return HEALTHY


async def system_status(context: Context) -> SystemStatus:
    return SystemStatus(
        backend="running",
        database_connected=await database_connected(context),
        last_data_refresh=await warehouse.last_refresh(context),
        model_version=(model.info.version if (model := await current_model(context)) else None),
    )


async def current_model(context: Context) -> LoadedModel | None:
    """The completion model this process serves; None when none is trained or it cannot be
    read (a health page reports that rather than failing)."""
    try:
        return await to_thread.run_sync(context.state.models.current)
    except Exception as exc:
        log.warning("model check failed: %s", exc, extra={"request_id": context.request_id})
        return None


async def ai_health(context: Context, version: str) -> AiHealth:
    """The AI service's health: whether the tutor's provider answers (the offline tutor always
    does; a model server is asked for its model list) and how long that took, with the
    completion model's state. Unreachable tutor: unhealthy; no completion model: degraded."""
    reachable, took_ms = await tutor_gateway.reachable(context.state.settings)
    model = await current_model(context)
    status = AiHealthStatus.HEALTHY if model is not None else AiHealthStatus.DEGRADED
    return AiHealth(
        status=status if reachable else AiHealthStatus.UNHEALTHY,
        version=version,
        response_time_ms=round(took_ms),
        model_loaded=model is not None,
        last_training=model.info.trained if model is not None else None,
        model_horizons=horizons(model),
    )


def horizons(model: LoadedModel | None) -> list[ModelHorizon]:
    """The served model's held-out figures per horizon, as its metadata records them."""
    if model is None:
        return []
    return [
        ModelHorizon(
            horizon=name,
            auc=round(float(m["auc"]), 4),
            brier=round(float(m["brier"]), 4),
            test_rows=int(m["test_rows"]),
            caught=round(float(m.get("caught", 0.0)), 4),
        )
        for name, m in model.info.metrics.get("horizons", {}).items()
    ]


async def database_connected(context: Context) -> bool:
    return await database_answers(
        context.state.engine, context.settings.database_check_timeout, context.request_id
    )


async def database_answers(engine: AsyncEngine, within: float, request_id: str | None) -> bool:
    """A real round trip, bounded so a hung database cannot hang the status page."""

    async def ping() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), timeout=within)
    except Exception as exc:  # any failure means "not connected", never a 5xx
        log.warning("database check failed: %s", exc, extra={"request_id": request_id})
        return False
    return True
