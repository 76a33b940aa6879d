"""The one clock: aware UTC, as SQLModel's datetime columns require (rendered with a `Z`)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
