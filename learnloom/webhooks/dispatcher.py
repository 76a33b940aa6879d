"""Delivers the outbox to the registered webhook endpoints.

Two steps, each its own short transaction, so a dispatcher can die at any point without
losing an event:

1. Fan-out: each new outbox event becomes one delivery row per subscribed endpoint (one per
   event and endpoint, whatever runs it), and the event is marked fanned out.
2. Delivery: due deliveries are claimed by moving them to `sending` with a lease (the time by
   which the attempt must be over). On PostgreSQL the claim locks the rows and skips rows
   another dispatcher holds (FOR UPDATE SKIP LOCKED), and every claim is a compare-and-set,
   so two dispatchers never send the same delivery at once. A dispatcher killed mid-attempt
   leaves its claim behind; when the lease passes, the delivery is due again and sent again
   with the same `webhook-id`, which receivers use to drop duplicates.

Failed attempts are retried with exponential backoff and jitter until `webhook_max_attempts`,
then the delivery is dead-lettered (`dead`) for an admin to replay. Every attempt is a row in
`webhook_attempts`. Delivered deliveries and their events are pruned after
`webhook_retention_days`."""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio
import httpx
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from ground import webhook_signing
from ground.errors import masked
from ground.settings import Settings
from ground.version import app_version
from ground.webhook_addresses import AddressRefused, check_destination, pinned
from models.db import SessionFactory, make_engine, make_session_factory, transaction, upsert
from models.enums import DeliveryStatus
from models.events import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger("learnloom.webhooks")
BATCH = 100  # events fanned out, or deliveries claimed, per transaction
PARALLEL = 10  # attempts in flight per dispatcher
DUE = (
    DeliveryStatus.PENDING,
    DeliveryStatus.RETRYING,
    DeliveryStatus.SENDING,
)  # `sending` is due again once its lease has passed
PRUNE_EVERY = 3600.0  # seconds between prunings of settled deliveries and old events


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    event_id: str
    payload: dict
    url: str
    secret: str
    attempts: int  # made before this one
    lease: datetime  # the claim's token: the result is recorded only while it still holds


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failures: doubling from the base,
    capped, and spread over its upper half so failed deliveries do not retry in step."""
    ceiling = min(
        settings.webhook_backoff_max_seconds,
        settings.webhook_backoff_seconds * 2 ** (attempts - 1),
    )
    return ceiling * random.uniform(0.5, 1.0)


class Dispatcher:
    def __init__(
        self, settings: Settings, sessions: SessionFactory, client: httpx.AsyncClient
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.client = client
        # A claim outlives the attempt's timeout, so only a dead dispatcher's claim expires.
        self.lease = timedelta(seconds=2 * settings.webhook_timeout_seconds + 1)

    async def fan_out(self) -> int:
        """Turns new outbox events into deliveries; the number of events handled."""
        now = datetime.now(UTC)
        async with transaction(self.sessions) as session:
            events = (
                await session.exec(
                    select(OutboxEvent)
                    .where(col(OutboxEvent.fanned_out_at).is_(None))
                    .order_by(col(OutboxEvent.created_at), col(OutboxEvent.id))
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not events:
                return 0
            endpoints = (
                await session.exec(
                    select(WebhookEndpoint).where(col(WebhookEndpoint.is_active).is_(True))
                )
            ).all()
            for event in events:
                for endpoint in endpoints:
                    if event.event_type not in endpoint.events:
                        continue
                    if endpoint.school_id not in (None, event.school_id):
                        continue  # a school's endpoint hears its own school's events only
                    await session.exec(
                        upsert(session, WebhookDelivery)
                        .values(
                            event_id=event.id,
                            endpoint_id=endpoint.id,
                            status=DeliveryStatus.PENDING,
                            attempts=0,
                            next_attempt_at=now,
                            updated_at=now,
                        )
                        .on_conflict_do_nothing(index_elements=["event_id", "endpoint_id"])
                    )
                event.fanned_out_at = now
                session.add(event)
        return len(events)

    async def claim(self) -> list[Claim]:
        now = datetime.now(UTC)
        lease = now + self.lease
        claims = []
        async with transaction(self.sessions) as session:
            rows = (
                await session.exec(
                    select(WebhookDelivery, WebhookEndpoint, OutboxEvent.payload)
                    .join(
                        WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id)
                    )
                    .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
                    .where(
                        col(WebhookDelivery.status).in_(DUE),
                        col(WebhookDelivery.next_attempt_at) <= now,
                    )
                    .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
                    .limit(BATCH)
                    .with_for_update(skip_locked=True, of=WebhookDelivery)
                )
            ).all()
            for delivery, endpoint, payload in rows:
                if not endpoint.is_active:  # switched off since: not sent, kept for replay
                    await self._finish(session, delivery.id, DeliveryStatus.DISABLED, now)
                    continue
                claimed = await session.exec(
                    update(WebhookDelivery)
                    .where(
                        col(WebhookDelivery.id) == delivery.id,
                        col(WebhookDelivery.status).in_(DUE),
                        col(WebhookDelivery.next_attempt_at) <= now,
                    )
                    .values(status=DeliveryStatus.SENDING, next_attempt_at=lease, updated_at=now)
                )
                if claimed.rowcount == 1:  # on SQLite, another dispatcher may have been first
                    assert delivery.id is not None
                    claims.append(
                        Claim(
                            delivery.id,
                            delivery.event_id,
                            dict(payload),
                            endpoint.url,
                            endpoint.secret,
                            delivery.attempts,
                            lease,
                        )
                    )
        return claims

    @staticmethod
    async def _finish(
        session: AsyncSession, delivery_id: int | None, status: str, now: datetime
    ) -> None:
        await session.exec(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == delivery_id)
            .values(status=status, updated_at=now)
        )

    async def attempt(self, claim: Claim) -> Outcome:
        body = json.dumps(claim.payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {
            "content-type": "application/json",
            "user-agent": f"LearnLoom-Webhooks/{app_version()}",
            **webhook_signing.headers(claim.secret, claim.event_id, int(time.time()), body),
        }
        started = time.perf_counter()
        code, error = None, None
        try:
            addresses = await check_destination(
                claim.url, self.settings.webhook_allow_private_urls, must_resolve=True
            )
            target, extensions = claim.url, dict[str, str]()
            if addresses:  # connect to the address just checked, not to a new lookup
                target, host, extensions = pinned(claim.url, addresses[0])
                headers |= host
            # Streamed and not read: what the receiver answers beyond its status is not ours.
            async with self.client.stream(
                "POST",
                target,
                content=body,
                headers=headers,
                timeout=self.settings.webhook_timeout_seconds,
                follow_redirects=False,
                extensions=extensions,
            ) as response:
                code = response.status_code
            if not 200 <= code < 300:
                error = f"HTTP {code}"
        except AddressRefused as exc:
            error = str(exc)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__
        return Outcome(code, error, round((time.perf_counter() - started) * 1000, 1))

    async def record(self, claim: Claim, outcome: Outcome) -> None:
        now = datetime.now(UTC)
        attempts = claim.attempts + 1
        if outcome.delivered:
            values: dict[str, object] = {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
        elif attempts >= self.settings.webhook_max_attempts:
            values = {"status": DeliveryStatus.DEAD}
            log.warning("webhook %s dead after %d attempts", claim.event_id, attempts)
        else:
            due = now + timedelta(seconds=backoff(self.settings, attempts))
            values = {"status": DeliveryStatus.RETRYING, "next_attempt_at": due}
        async with transaction(self.sessions) as session:
            session.add(
                WebhookAttempt(
                    delivery_id=claim.delivery_id,
                    attempted_at=now,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                )
            )
            # Only while the claim holds: a claim that expired belongs to whoever took it over.
            await session.exec(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == claim.delivery_id,
                    col(WebhookDelivery.status) == DeliveryStatus.SENDING,
                    col(WebhookDelivery.next_attempt_at) == claim.lease,
                )
                .values(
                    attempts=attempts,
                    last_status_code=outcome.status_code,
                    last_error=outcome.error,
                    updated_at=now,
                    **values,
                )
            )

    async def deliver(self, claim: Claim) -> None:
        await self.record(claim, await self.attempt(claim))

    async def run_once(self) -> int:
        """Fans out and makes every attempt due now; the number of attempts made."""
        while await self.fan_out() == BATCH:
            pass
        claims = await self.claim()
        limiter = anyio.CapacityLimiter(PARALLEL)

        async def one(claim: Claim) -> None:
            async with limiter:
                await self.deliver(claim)

        async with anyio.create_task_group() as group:
            for claim in claims:
                group.start_soon(one, claim)
        return len(claims)

    async def prune(self, now: datetime | None = None) -> int:
        """Forgets what is settled and older than `webhook_retention_days`: delivered
        deliveries with their attempts, then fanned-out events with no delivery left. Dead
        letters stay until an admin replays them or removes their endpoint. The number of
        deliveries removed."""
        days = self.settings.webhook_retention_days
        if days == 0:
            return 0
        before = (now or datetime.now(UTC)) - timedelta(days=days)
        async with transaction(self.sessions) as session:
            settled = select(WebhookDelivery.id).where(
                col(WebhookDelivery.status) == DeliveryStatus.DELIVERED,
                col(WebhookDelivery.updated_at) < before,
            )
            await session.exec(
                delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(settled))
            )
            removed = await session.exec(
                delete(WebhookDelivery).where(col(WebhookDelivery.id).in_(settled))
            )
            remaining = select(WebhookDelivery.event_id)
            await session.exec(
                delete(OutboxEvent).where(
                    col(OutboxEvent.fanned_out_at).is_not(None),
                    col(OutboxEvent.created_at) < before,
                    col(OutboxEvent.id).not_in(remaining),
                )
            )
        return int(removed.rowcount or 0)

    async def run(self, stop: anyio.Event) -> None:
        """Until `stop`: deliver what is due, then wait a poll interval when idle; prune
        once an hour. A failing pass (the database away) is logged and tried again after
        the interval."""
        pruned_at = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - pruned_at > PRUNE_EVERY:
                    await self.prune()
                    pruned_at = time.monotonic()
                busy = await self.run_once()
            except Exception as exc:
                masked(exc, log, "webhook dispatch (trying again shortly)")
                busy = 0
            if not busy:
                with anyio.move_on_after(self.settings.webhook_poll_seconds):
                    await stop.wait()


async def run_dispatcher(settings: Settings, stop: anyio.Event) -> None:
    """The dispatcher with a database engine and HTTP client of its own, until `stop`."""
    engine = make_engine(settings.database_url)
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            await Dispatcher(settings, make_session_factory(engine), client).run(stop)
    finally:
        await engine.dispose()
