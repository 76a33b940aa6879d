"""Webhook administration (docs/api.md, Webhooks): admins register endpoints (URL, events,
secret), watch deliveries and replay dead-lettered ones. A super admin's endpoint may hear
every school (no school) or one school; a school admin's endpoints hear their own school's
events only, and they see and manage nothing else. The secret is shown once, when the
endpoint is created or its secret replaced. Every change is audit-logged."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, delete, select

from ground import webhook_signing
from ground.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ground.webhook_addresses import AddressRefused, check_destination
from models.db import transaction
from models.enums import DeliveryStatus, Role, WebhookEvent
from models.events import (
    EVENT_TYPES,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from models.identity import School, User
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import WEBHOOK_EVENTS, WEBHOOK_SECRET, WEBHOOK_URL
from resolvers.pagination import Page, paginate
from resolvers.permissions import ADMINS, require_role

IN_FLIGHT = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
MAX_ATTEMPTS_LISTED = 100


class DeliveryInProgress(Conflict):
    code, default_message = (
        "DELIVERY_IN_PROGRESS",
        "This delivery is still being attempted; only finished deliveries can be replayed",
    )


@dataclass(frozen=True)
class EndpointFields:
    """What a caller sets; None leaves a field as it is (on update)."""

    url: str | None = None
    events: list[str] | None = None
    secret: str | None = None
    school_id: int | None = None
    is_active: bool | None = None


@dataclass(frozen=True)
class EndpointView:
    """A registered webhook endpoint. `secret` is shown only when it was just set."""

    id: int
    url: str
    events: list[str]
    school_id: int | None
    is_active: bool
    created_at: datetime
    secret: str | None


@dataclass(frozen=True)
class DeliveryView:
    """One event's delivery to one endpoint."""

    id: int
    event_id: str
    event_type: WebhookEvent
    endpoint_id: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class AttemptView:
    """One try at delivering: the receiver's status code, or what went wrong."""

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


def _view(endpoint: WebhookEndpoint, secret: str | None = None) -> EndpointView:
    assert endpoint.id is not None
    return EndpointView(
        endpoint.id,
        endpoint.url,
        list(endpoint.events),
        endpoint.school_id,
        endpoint.is_active,
        endpoint.created_at,
        secret,
    )


def _missing(what: str, key: object) -> NotFound:
    return NotFound(
        f"The requested webhook {what} does not exist",
        details={"id": [f"Webhook {what} {key} not found"]},
    )


async def _admin(context: Context) -> User:
    user = await current_user(context)
    require_role(user, ADMINS)
    return user


def _visible(user: User) -> object:
    """The condition on endpoints the caller manages."""
    if user.role == Role.SUPER_ADMIN:
        return True
    return col(WebhookEndpoint.school_id) == user.school_id


async def _check(
    context: Context, user: User, fields: EndpointFields, creating: bool
) -> dict[str, object]:
    details: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    if fields.url is not None or creating:
        url = (fields.url or "").strip()
        try:
            if not WEBHOOK_URL.fits(fields.url or ""):
                raise AddressRefused(
                    f"Must be an http:// or https:// URL with a host name, of at most "
                    f"{WEBHOOK_URL.longest} characters."
                )
            await check_destination(
                url, context.state.settings.webhook_allow_private_urls, must_resolve=False
            )
        except AddressRefused as refused:
            details["url"] = [str(refused)]
        values["url"] = url
    if fields.events is not None or creating:
        events = fields.events or []
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown or not WEBHOOK_EVENTS.fits(events):
            details["events"] = [
                f"Give each event at most once, from: {', '.join(EVENT_TYPES)}."
                + (f" Unknown: {', '.join(unknown)}." if unknown else "")
            ]
        values["events"] = sorted(set(events))
    if fields.secret is not None:
        if not WEBHOOK_SECRET.fits(fields.secret):
            details["secret"] = [
                'Must be base64 of 24 to 64 random bytes, "whsec_" before it or not.'
            ]
        elif problem := webhook_signing.secret_problem(fields.secret):
            details["secret"] = [problem]
        values["secret"] = fields.secret
    elif creating:
        values["secret"] = webhook_signing.new_secret()
    if creating:
        school_id = fields.school_id if user.role == Role.SUPER_ADMIN else user.school_id
        if user.role == Role.SCHOOL_ADMIN and fields.school_id not in (None, user.school_id):
            raise PermissionDenied("A school admin registers webhooks for their own school only")
        if school_id is not None:
            async with context.state.sessions() as session:
                if await session.get(School, school_id) is None:
                    details["school_id"] = [f"No school {school_id}."]
        values["school_id"] = school_id
    if fields.is_active is not None:
        values["is_active"] = fields.is_active
    if details:
        raise ValidationFailed(details=details)
    return values


def _audited(values: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in values.items() if name != "secret"} | (
        {"secret": "replaced"} if "secret" in values else {}
    )


async def list_endpoints(context: Context, limit: int, offset: int) -> Page[EndpointView]:
    user = await _admin(context)
    statement = (
        select(WebhookEndpoint)
        .where(_visible(user))  # type: ignore[arg-type]
        .order_by(col(WebhookEndpoint.id))
    )
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
    return Page([_view(row) for row in page.items], page.limit, page.offset, page.total)


async def _endpoint(context: Context, user: User, endpoint_id: int) -> WebhookEndpoint:
    async with context.state.sessions() as session:
        found = (
            await session.exec(
                select(WebhookEndpoint).where(
                    col(WebhookEndpoint.id) == endpoint_id,
                    _visible(user),  # type: ignore[arg-type]
                )
            )
        ).first()
    if found is None:
        raise _missing("endpoint", endpoint_id)
    return found


async def get_endpoint(context: Context, endpoint_id: int) -> EndpointView:
    user = await _admin(context)
    return _view(await _endpoint(context, user, endpoint_id))


async def create_endpoint(context: Context, fields: EndpointFields) -> EndpointView:
    user = await _admin(context)
    values = await _check(context, user, fields, creating=True)
    async with transaction(context.state.sessions) as session:
        endpoint = WebhookEndpoint(**values, created_by=user.id)  # type: ignore[arg-type]
        session.add(endpoint)
        await session.flush()
        audit.record(
            session,
            context,
            "webhook_created",
            actor_id=user.id,
            target_type="webhook_endpoint",
            target_id=endpoint.id,
            school_id=endpoint.school_id,
            details=_audited(values),
        )
    return _view(endpoint, endpoint.secret)


async def update_endpoint(
    context: Context, endpoint_id: int, fields: EndpointFields
) -> EndpointView:
    user = await _admin(context)
    await _endpoint(context, user, endpoint_id)
    values = await _check(context, user, fields, creating=False)
    async with transaction(context.state.sessions) as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
        if endpoint is None:
            raise _missing("endpoint", endpoint_id)
        for name, value in values.items():
            setattr(endpoint, name, value)
        session.add(endpoint)
        audit.record(
            session,
            context,
            "webhook_updated",
            actor_id=user.id,
            target_type="webhook_endpoint",
            target_id=endpoint_id,
            school_id=endpoint.school_id,
            details=_audited(values),
        )
    return _view(endpoint, endpoint.secret if "secret" in values else None)


async def delete_endpoint(context: Context, endpoint_id: int) -> EndpointView:
    """Removes the endpoint with its deliveries and their attempts."""
    user = await _admin(context)
    endpoint = await _endpoint(context, user, endpoint_id)
    async with transaction(context.state.sessions) as session:
        deliveries = select(WebhookDelivery.id).where(
            col(WebhookDelivery.endpoint_id) == endpoint_id
        )
        await session.exec(
            delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries))
        )
        await session.exec(
            delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id)
        )
        await session.exec(delete(WebhookEndpoint).where(col(WebhookEndpoint.id) == endpoint_id))
        audit.record(
            session,
            context,
            "webhook_deleted",
            actor_id=user.id,
            target_type="webhook_endpoint",
            target_id=endpoint_id,
            school_id=endpoint.school_id,
            details={"url": endpoint.url},
        )
    return _view(endpoint)


def _delivery_view(delivery: WebhookDelivery, event_type: str) -> DeliveryView:
    assert delivery.id is not None
    return DeliveryView(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=WebhookEvent(event_type),
        endpoint_id=delivery.endpoint_id,
        status=DeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if delivery.status in IN_FLIGHT else None,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        updated_at=delivery.updated_at,
    )


def _deliveries(user: User) -> object:
    return (
        select(WebhookDelivery, OutboxEvent.event_type)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
        .where(_visible(user))  # type: ignore[arg-type]
    )


async def list_deliveries(
    context: Context,
    status: DeliveryStatus | None,
    endpoint_id: int | None,
    limit: int,
    offset: int,
) -> Page[DeliveryView]:
    """Newest first; `status=DeliveryStatus.DEAD` is the dead-letter list."""
    user = await _admin(context)
    statement = _deliveries(user).order_by(  # type: ignore[attr-defined]
        col(WebhookDelivery.updated_at).desc(), col(WebhookDelivery.id).desc()
    )
    if status is not None:
        statement = statement.where(col(WebhookDelivery.status) == status)
    if endpoint_id is not None:
        statement = statement.where(col(WebhookDelivery.endpoint_id) == endpoint_id)
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
    items = [_delivery_view(delivery, event_type) for delivery, event_type in page.items]
    return Page(items, page.limit, page.offset, page.total)


async def delivery_attempts(context: Context, delivery_id: int) -> list[AttemptView]:
    """A delivery's attempts, oldest first (at most MAX_ATTEMPTS_LISTED, the latest)."""
    user = await _admin(context)
    async with context.state.sessions() as session:
        visible = (
            await session.exec(
                _deliveries(user).where(col(WebhookDelivery.id) == delivery_id)  # type: ignore[attr-defined]
            )
        ).first()
        if visible is None:
            raise _missing("delivery", delivery_id)
        rows = (
            await session.exec(
                select(WebhookAttempt)
                .where(col(WebhookAttempt.delivery_id) == delivery_id)
                .order_by(col(WebhookAttempt.id).desc())
                .limit(MAX_ATTEMPTS_LISTED)
            )
        ).all()
    return [
        AttemptView(row.attempted_at, row.status_code, row.error, row.duration_ms)
        for row in reversed(rows)
    ]


async def replay(context: Context, delivery_id: int) -> DeliveryView:
    """Sends a finished delivery again (dead-lettered, disabled or delivered) with a fresh
    attempt budget and the same event id."""
    user = await _admin(context)
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        found = (
            await session.exec(
                _deliveries(user)  # type: ignore[attr-defined]
                .where(col(WebhookDelivery.id) == delivery_id)
                .with_for_update(of=WebhookDelivery)
            )
        ).first()
        if found is None:
            raise _missing("delivery", delivery_id)
        delivery, event_type = found
        if delivery.status in IN_FLIGHT:
            raise DeliveryInProgress()
        before = delivery.status
        delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
        delivery.next_attempt_at = delivery.updated_at = now
        session.add(delivery)
        audit.record(
            session,
            context,
            "webhook_replayed",
            actor_id=user.id,
            target_type="webhook_delivery",
            target_id=delivery_id,
            details={"event_id": delivery.event_id, "status_before": before},
        )
    return _delivery_view(delivery, event_type)
