"""Health and system status: the two endpoints that must answer even when parts are down."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from resolvers import warehouse
from resolvers.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    status: str
    message: str


@dataclass(frozen=True)
class SystemStatus:
    backend: str
    database_connected: bool
    last_data_refresh: datetime | None


HEALTHY = Health(status="ok", message="Backend is running")


def health() -> Health:
    return HEALTHY


async def system_status(context: Context) -> SystemStatus:
    return SystemStatus(
        backend="running",
        database_connected=await database_connected(context),
        last_data_refresh=await warehouse.last_refresh(context),
    )


async def database_connected(context: Context) -> bool:
    """A real round trip, bounded so a hung database cannot hang the status page."""

    async def ping() -> None:
        async with context.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(ping(), timeout=context.settings.database_check_timeout)
    except Exception as exc:  # any failure means "not connected", never a 5xx
        log.warning("database check failed: %s", exc, extra={"request_id": context.request_id})
        return False
    return True
