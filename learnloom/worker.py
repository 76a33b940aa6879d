"""Background work: the hourly warehouse refresh (docs/analytics.md, Refresh), the
completion model's retraining when a refresh changed enough rows, and the webhook dispatcher
(learnloom/webhooks/dispatcher.py; docs/api.md, Webhooks).

It runs in `learnloom worker`, and inside `learnloom serve` unless `background_jobs` is off.
Any number of processes may run it: a refresh is due when the published snapshot is older
than the interval, and that is checked again under the cross-process refresh lock, so
processes that wake together load the data once."""

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio
from anyio import to_thread

from analytics.errors import RefreshInProgress
from analytics.warehouse import last_refreshed
from ground.errors import masked
from ground.metrics import REFRESHES
from ground.settings import Settings
from models.db import make_engine, make_session_factory

if TYPE_CHECKING:  # the refresh and training are imported when first run, not at start-up
    from analytics.etl import RefreshResult

log = logging.getLogger("learnloom.worker")
TICK = 30.0  # seconds between looks at the schedule
RETRY = 300.0  # after a failed refresh, at most this long before the next try


class WarehouseSchedule:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.interval = timedelta(seconds=settings.analytics_refresh_seconds)

    def seconds_until_due(self) -> float:
        loaded = last_refreshed(self.settings.warehouse_dir)
        if loaded is None:
            return 0.0
        return (loaded + self.interval - datetime.now(UTC)).total_seconds()

    async def run_if_due(self) -> "RefreshResult | None":
        """Refresh when due: what this process's refresh did (a snapshot published, or none
        as nothing had changed), or None when no refresh was due here."""
        if self.interval <= timedelta(0) or await to_thread.run_sync(self.seconds_until_due) > 0:
            return None
        from analytics.etl import refresh_if_older
        from analytics.training import model_settings, retrain_after_refresh

        moment = datetime.now(UTC) - self.interval
        began = time.perf_counter()
        try:
            result = await to_thread.run_sync(
                refresh_if_older, self.settings.database_url, self.settings.warehouse_dir, moment
            )
        except RefreshInProgress:
            return None  # another process is loading it now
        if result is None:
            return None
        REFRESHES.labels("schedule").observe(time.perf_counter() - began)
        if not result.published:
            log.info("warehouse: no changes since snapshot %s; nothing published", result.version)
            return result
        await to_thread.run_sync(retrain_after_refresh, result, *model_settings(self.settings))
        log.info(
            "warehouse %s published: %d rows added (%s)",
            result.version,
            result.rows_added,
            "full" if result.full else "changes only",
        )
        return result


async def run_jobs(settings: Settings, stop: anyio.Event, tick: float = TICK) -> None:
    """Run the background jobs until `stop` is set. A failing job is logged and retried
    later; it never ends the loop."""
    from learnloom.webhooks.dispatcher import run_dispatcher  # with httpx, when jobs run

    async with anyio.create_task_group() as group:
        group.start_soon(run_dispatcher, settings, stop)
        await _refresh_on_schedule(settings, stop, tick)


async def run_due_once(settings: Settings) -> tuple["RefreshResult | None", int]:
    """What is due now, once (`learnloom worker --once`, for cron): the warehouse refresh's
    result (None when none was due), and how many webhook attempts were made."""
    import httpx

    from learnloom.webhooks.dispatcher import Dispatcher

    refreshed = await WarehouseSchedule(settings).run_if_due()
    engine = make_engine(settings.database_url)
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            dispatcher = Dispatcher(settings, make_session_factory(engine), client)
            attempts = await dispatcher.run_once()
    finally:
        await engine.dispose()
    return refreshed, attempts


async def _refresh_on_schedule(settings: Settings, stop: anyio.Event, tick: float) -> None:
    schedule = WarehouseSchedule(settings)
    if settings.analytics_refresh_seconds == 0:
        log.info("scheduled warehouse refresh is off (analytics_refresh_seconds = 0)")
    wait = 0.0
    while not stop.is_set():
        try:
            await schedule.run_if_due()
            wait = tick
        except Exception as exc:
            masked(exc, log, "the scheduled warehouse refresh (trying again later)")
            wait = min(RETRY, max(tick, settings.analytics_refresh_seconds / 12))
        with anyio.move_on_after(wait):
            await stop.wait()
