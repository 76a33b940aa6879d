"""Stricter rate limits that belong to one operation, enforced in its resolver so GraphQL
and the REST facade share them (login per IP, AI chat per user)."""

from resolvers.context import Context


async def throttle(context: Context, name: str, key: str) -> None:
    limiter = context.state.limiter
    verdict = await limiter.hit(getattr(limiter, name), name, key)
    context.report_limit(verdict)
    if not verdict.allowed:
        raise verdict.refusal()
