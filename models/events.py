"""Domain events written in the same transaction as the change (the outbox), the webhook
endpoints that subscribe to them, and each delivery with its attempts."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ground.clock import utcnow
from models.base import json_column
from models.enums import DeliveryStatus, WebhookEvent

# The events webhooks may subscribe to (docs/api.md, Webhooks).
EVENT_TYPES = tuple(event.value for event in WebhookEvent)


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_events"

    id: str = Field(primary_key=True, max_length=40, description="evt_...: stable across retries")
    event_type: str = Field(max_length=64, index=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    payload: dict = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, index=True)
    fanned_out_at: datetime | None = Field(default=None, index=True)


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=128)
    events: list = Field(default_factory=list, sa_column=json_column())
    is_active: bool = True
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "endpoint_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(foreign_key="outbox_events.id", max_length=40)
    endpoint_id: int = Field(foreign_key="webhook_endpoints.id", index=True)
    status: str = Field(default=DeliveryStatus.PENDING, max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_type=Text)
    delivered_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_deliveries.id", index=True)
    attempted_at: datetime = Field(default_factory=utcnow)
    status_code: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
    duration_ms: float = 0
