"""Refreshing the analytics warehouse and reading when it was last loaded. DuckDB and the
ETL block, so both run in a worker thread, off the event loop."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import duckdb
from anyio import to_thread

from analytics.errors import AnalyticsError, BadSource, RefreshInProgress
from analytics.warehouse import last_refreshed
from ground.errors import AppError, Conflict, InternalError, ValidationFailed
from ground.metrics import REFRESHES
from models.enums import Role
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import require_role

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataRefresh:
    """The outcome of a warehouse refresh (POST /api/refresh-data)."""

    status: str
    rows_added: int
    last_updated: datetime


class RefreshRefused(Conflict):
    code = "REFRESH_IN_PROGRESS"


def api_error(error: AnalyticsError) -> AppError:
    """The API's error for an analytics failure: the one place they are mapped."""
    if isinstance(error, RefreshInProgress):
        return RefreshRefused(error.message)
    if isinstance(error, BadSource):
        return ValidationFailed(error.message, error.details)
    return InternalError()


async def refresh_data(context: Context, full: bool = False) -> DataRefresh:
    """Load what changed since the last refresh (everything when `full`) from the platform
    database; super admins only, one at a time (409 otherwise). When nothing had changed no
    snapshot is published: 0 rows added, and the time of the check."""
    require_role(await current_user(context), {Role.SUPER_ADMIN})
    # Imported here: the refresh and training (pyarrow among them) are not needed to serve,
    # and importing them at start-up cost every web process a good part of a second.
    from analytics.etl import refresh
    from analytics.training import model_settings, retrain_after_refresh

    settings = context.settings
    began = time.perf_counter()
    try:
        result = await to_thread.run_sync(
            partial(refresh, settings.database_url, settings.warehouse_dir, full=full)
        )
    except AnalyticsError as error:  # one already running, among them: no refresh of ours
        raise api_error(error) from None
    REFRESHES.labels("api").observe(time.perf_counter() - began)
    if result.published:  # else nothing had changed: the snapshot and model keep serving
        context.state.warehouse.look_again()
        await to_thread.run_sync(retrain_after_refresh, result, *model_settings(settings))
        context.state.models.look_again()
    return DataRefresh(
        status="success", rows_added=result.rows_added, last_updated=result.refreshed_at
    )


async def last_refresh(context: Context) -> datetime | None:
    """When the warehouse was last loaded; None before the first load, and when the snapshot
    cannot be read (the status page reports that rather than failing)."""
    try:
        return await to_thread.run_sync(last_refreshed, context.settings.warehouse_dir)
    except (duckdb.Error, OSError) as exc:
        log.error("warehouse snapshot cannot be read: %s", exc)
        return None
