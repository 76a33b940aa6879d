"""The limits of what clients send, in one place: the resolvers check values against them and
the OpenAPI document shows them (rest_compat/openapi.py), so a generated client refuses what
the server would refuse, and the document allows nothing the server turns away.

Limits of a shape only: whether a topic belongs to the class or a due date is still ahead is
the resolvers' business, and no schema can say it."""

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """A string of at most `longest` characters, not blank when `shortest` is 1, matching
    `pattern` when there is one (what the server checks, exactly: the document must allow
    nothing more and nothing less)."""

    shortest: int = 0  # 0 or 1: blank allowed or not
    longest: int | None = None
    pattern: str | None = None  # a regular expression (ECMA and Python alike) the value contains

    def fits(self, value: str) -> bool:
        return (
            (self.longest is None or len(value) <= self.longest)
            and (not self.shortest or bool(value.strip()))
            and (self.pattern is None or re.search(self.pattern, value) is not None)
        )

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.shortest:
            found["minLength"] = 1
            found["pattern"] = r"\S"  # blank is empty once trimmed
        if self.longest is not None:
            found["maxLength"] = self.longest
        if self.pattern is not None:
            found["pattern"] = self.pattern
        return found


@dataclass(frozen=True)
class Number:
    lowest: float | None = None
    highest: float | None = None

    def fits(self, value: float) -> bool:
        return (self.lowest is None or value >= self.lowest) and (
            self.highest is None or value <= self.highest
        )

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.lowest is not None:
            found["minimum"] = self.lowest
        if self.highest is not None:
            found["maximum"] = self.highest
        return found


@dataclass(frozen=True)
class Items:
    """A list of at least `shortest` items, each at most once when `unique`."""

    shortest: int = 0
    unique: bool = False

    def fits(self, value: list[Any]) -> bool:
        return len(value) >= self.shortest and (not self.unique or len(set(value)) == len(value))

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.shortest:
            found["minItems"] = self.shortest
        if self.unique:
            found["uniqueItems"] = True
        return found


CHAT_MESSAGE = Text(1, 2000)
PRACTICE_ANSWER = Text(1, 500)
LESSON_RESPONSE = Text(0, 2000)
ASSIGNMENT_TITLE = Text(1, 200)
ASSIGNMENT_DESCRIPTION = Text(0, 5000)
SCHOOL_NAME = Text(1, 200)
SCHOOL_REGION = Text(0, 100)
# ISO 3166-1 alpha-2; spaces around it and lower case are forgiven (stored trimmed, upper case)
COUNTRY_CODE = Text(pattern=r"^\s*[A-Za-z]{2}\s*$")
PERSON_NAME = Text(1, 100)
# At least ten characters with letters and digits (and not the e-mail's name: no schema says that)
PASSWORD = Text(pattern=r"^(?=[\s\S]*[A-Za-z])(?=[\s\S]*[0-9])[\s\S]{10,}$")
# Spaces around it are forgiven (stored trimmed)
EMAIL = Text(0, 255, r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$")
# An http(s) URL of a host name or IPv4 address, an optional port (0 to 65535) and printable
# ASCII after it. Whether the server may call that host is its own check
# (ground/webhook_addresses.py), at registration and again at each delivery.
_PORT = r"(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
WEBHOOK_URL = Text(
    1,
    500,
    r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
    rf"(?::{_PORT})?(?:[/?#][!-~]*)?\s*$",
)
# "whsec_" (optional) and base64 of 24 to 64 bytes, padded: 8 to 21 groups of four and a tail
_B64 = "[A-Za-z0-9+/]"
WEBHOOK_SECRET = Text(
    pattern=rf"^(?:whsec_)?(?:(?:{_B64}{{4}}){{8,20}}(?:{_B64}{{2}}==|{_B64}{{3}}=)?"
    rf"|(?:{_B64}{{4}}){{21}}(?:{_B64}{{2}}==)?)$"
)
WEBHOOK_EVENTS = Items(1, unique=True)
TERM = Number(1, 3)
PERCENT = Number(0, 100)  # scores and progress bars
LIST_SIZE = Number(1, 100)
HOURS = Number(0)
ACTIVITIES_PER_WEEK = Number(0)

# The document's view: REST field name, or "operation:field" where one name means different
# things in different operations (a new user's password has rules, a login's does not).
BY_FIELD: dict[str, Text | Number | Items] = {
    "message": CHAT_MESSAGE,
    "student_answer": PRACTICE_ANSWER,
    "student_response": LESSON_RESPONSE,
    "title": ASSIGNMENT_TITLE,
    "description": ASSIGNMENT_DESCRIPTION,
    "admin_school_create:name": SCHOOL_NAME,
    "admin_school_update:name": SCHOOL_NAME,
    "admin_school_create:country": COUNTRY_CODE,
    "admin_school_update:country": COUNTRY_CODE,
    "region": SCHOOL_REGION,
    "first_name": PERSON_NAME,
    "last_name": PERSON_NAME,
    "admin_user_create:password": PASSWORD,
    "admin_user_update:password": PASSWORD,
    "webhook_create:url": WEBHOOK_URL,
    "webhook_update:url": WEBHOOK_URL,
    "webhook_create:secret": WEBHOOK_SECRET,
    "webhook_update:secret": WEBHOOK_SECRET,
    "webhook_create:events": WEBHOOK_EVENTS,
    "webhook_update:events": WEBHOOK_EVENTS,
    "admin_user_create:email": EMAIL,
    "admin_user_update:email": EMAIL,
    "term_id": TERM,
    "top_score": PERCENT,
    "support_score": PERCENT,
    "support_progress": PERCENT,
    "size": LIST_SIZE,
    "hours_watched": HOURS,
    "average_score": PERCENT,
    "activity_level": ACTIVITIES_PER_WEEK,
}


def limit_of(operation: str, field: str) -> Text | Number | Items | None:
    return BY_FIELD.get(f"{operation}:{field}") or BY_FIELD.get(field)


def limited(schema: dict[str, Any], operation: str, field: str) -> dict[str, Any]:
    """A field's JSON schema with its limits, for the OpenAPI document."""
    limit = limit_of(operation, field)
    if limit is None:
        return schema
    return {**schema, **limit.schema()}
