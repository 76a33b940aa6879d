"""Times leave the API as UTC ISO-8601 with a `Z`, as the contracts show them."""

from datetime import UTC, date, datetime
from typing import Any

import strawberry


def serialize_datetime(value: datetime) -> str:
    if value.tzinfo is None:  # naive values in this codebase are UTC already
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a time needs a timezone, e.g. 2026-03-28T23:59:59Z")
    return parsed.astimezone(UTC)


UtcDateTime = strawberry.scalar(
    name="DateTime",
    description="A UTC time in ISO-8601 with a Z, e.g. 2026-03-24T14:30:00Z",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"Must be a date as YYYY-MM-DD, got {value!r}") from None


IsoDate = strawberry.scalar(
    name="Date",
    description="A calendar date, YYYY-MM-DD",
    serialize=date.isoformat,
    parse_value=parse_date,
)

SCALAR_OVERRIDES: dict[object, Any] = {datetime: UtcDateTime, date: IsoDate}
