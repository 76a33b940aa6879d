"""The audit log: security events and admin writes, with actor, target, time and request."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import transaction
from models.identity import AuditLog
from resolvers.context import Context

# What the log keeps of any one value a client sent (a 5 MB e-mail once made a 5 MB row).
MAX_VALUE = 254  # the longest e-mail address there can be


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return value[:MAX_VALUE] + f"… ({len(value)} characters)"
    return value


def record(
    session: AsyncSession,
    context: Context,
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: object = None,
    school_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Adds the entry to `session`, so it commits (or not) with the change it describes."""
    session.add(
        AuditLog(
            action=action,
            actor_id=actor_id,
            target_type=target_type,
            target_id=None if target_id is None else _bounded(str(target_id)),
            school_id=school_id,
            request_id=context.request_id,
            ip=context.client_ip,
            details={key: _bounded(value) for key, value in (details or {}).items()},
        )
    )


async def record_alone(context: Context, action: str, **fields: Any) -> None:
    """For events whose request fails (a refused login): the entry commits on its own."""
    async with transaction(context.state.sessions) as session:
        record(session, context, action, **fields)
