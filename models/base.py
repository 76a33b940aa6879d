"""Helpers shared by the table modules: UTC time and unguessable prefixed ids."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Aware UTC, as SQLModel's datetime columns require; rendered with a `Z`."""
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """`sess_`, `msg_`, ... followed by 16 random url-safe characters (96 bits)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def json_column() -> Column:
    return Column(JSON, nullable=False)
