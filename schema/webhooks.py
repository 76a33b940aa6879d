"""Types of webhook administration (docs/api.md, Webhooks), made from the resolvers' result
classes (schema/results.py)."""

import strawberry

from models.enums import WebhookEvent
from resolvers.webhooks import AttemptView, DeliveryView, EndpointFields, EndpointView
from schema.results import graphql_type

graphql_type(EndpointView, "WebhookEndpoint")
graphql_type(DeliveryView, "WebhookDelivery")
graphql_type(AttemptView, "WebhookAttempt")


@strawberry.input(description="A new webhook endpoint; without a secret, one is generated.")
class WebhookInput:
    url: str
    events: list[WebhookEvent] = strawberry.field(description="at least one, each at most once")
    secret: str | None = strawberry.field(
        default=None, description='"whsec_" followed by 24 to 64 random bytes in base64'
    )
    school_id: int | None = strawberry.field(
        default=None,
        description="Super admins: the school whose events it hears (none: every school). "
        "School admins' endpoints always hear their own school.",
    )

    def fields(self) -> EndpointFields:
        return EndpointFields(self.url, _values(self.events), self.secret, self.school_id)


@strawberry.input(description="Changes to a webhook endpoint; fields left out stay as they are.")
class WebhookPatch:
    url: str | None = None
    events: list[WebhookEvent] | None = None
    secret: str | None = strawberry.field(default=None, description="a replacement secret")
    is_active: bool | None = None

    def fields(self) -> EndpointFields:
        return EndpointFields(self.url, _values(self.events), self.secret, None, self.is_active)


def _values(events: list[WebhookEvent] | None) -> list[str] | None:
    return None if events is None else [event.value for event in events]


__all__ = ["AttemptView", "DeliveryView", "EndpointView", "WebhookInput", "WebhookPatch"]
