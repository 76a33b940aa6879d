"""Refreshing the analytics warehouse and reading when it was last loaded. DuckDB and the
ETL block, so both run in a worker thread, off the event loop."""

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from anyio import to_thread

from analytics.etl import RefreshResult, refresh
from analytics.warehouse import open_current
from models.enums import Role
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import require_role


async def refresh_data(context: Context, full: bool = False) -> RefreshResult:
    """Load what changed since the last refresh (everything when `full`) from the platform
    database; super admins only, one at a time (409 otherwise)."""
    require_role(await current_user(context), {Role.SUPER_ADMIN})
    settings = context.settings
    return await to_thread.run_sync(
        partial(refresh, settings.database_url, settings.warehouse_dir, full=full)
    )


def _last_refresh(directory: Path) -> datetime | None:
    with open_current(directory) as current:
        if current is None:
            return None
        row = current[1].execute("SELECT max(refreshed_at) FROM meta").fetchone()
    return row[0].replace(tzinfo=UTC) if row and row[0] else None


async def last_refresh(context: Context) -> datetime | None:
    return await to_thread.run_sync(_last_refresh, context.settings.warehouse_dir)
