"""The audit log: security events and admin writes, with actor, target, time and request."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import transaction
from models.identity import AuditLog
from resolvers.context import Context


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
            target_id=None if target_id is None else str(target_id),
            school_id=school_id,
            request_id=context.request_id,
            ip=context.client_ip,
            details=details or {},
        )
    )


async def record_alone(context: Context, action: str, **fields: Any) -> None:
    """For events whose request fails (a refused login): the entry commits on its own."""
    async with transaction(context.state.sessions) as session:
        record(session, context, action, **fields)
