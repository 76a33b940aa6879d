"""Rate limits with the `limits` library: in memory, or in Redis so that several server
processes share one budget. The application's middleware applies the default limit per caller
(learnloom/rate_limits.py); resolvers apply stricter ones (resolvers/throttle.py)."""

import logging
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from ground.errors import RateLimited
from ground.metrics import RATE_LIMIT_REFUSALS, REDIS_ERRORS
from ground.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window frees up

    def refusal(self) -> RateLimited:
        return RateLimited(
            "Too many requests; try again later",
            details={"retry_after": [f"{max(1, self.reset - int(time.time()))} seconds"]},
        )


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        storage: Storage
        if settings.redis_url:
            storage = RedisStorage(
                f"async+{settings.redis_url}",
                implementation="redispy",
                key_prefix=settings.rate_limit_prefix,
            )
        else:
            storage = MemoryStorage()
        # Two counters per key and window, where a moving window keeps (and scans) a
        # timestamp per hit: what made every authenticated request dearer (issue 18).
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self.default = parse(settings.rate_limit_default)
        self.login = parse(settings.rate_limit_login)
        self.ai_chat = parse(settings.rate_limit_ai_chat)

    async def hit(self, item: RateLimitItem, scope: str, key: str) -> Verdict:
        try:
            allowed = await self._limiter.hit(item, scope, key)
            stats = await self._limiter.get_window_stats(item, scope, key)
        except Exception:
            # The limiter's store is down: serve rather than lock every school out.
            REDIS_ERRORS.inc()
            log.exception("rate limit store unavailable; request allowed")
            return Verdict(True, item.amount, item.amount, int(time.time()) + item.get_expiry())
        if not allowed:
            RATE_LIMIT_REFUSALS.labels(scope).inc()
        return Verdict(allowed, item.amount, stats.remaining, int(stats.reset_time))

    async def peek(self, item: RateLimitItem, scope: str, key: str) -> Verdict:
        """The budget left, without spending any."""
        try:
            stats = await self._limiter.get_window_stats(item, scope, key)
        except Exception:
            REDIS_ERRORS.inc()
            log.exception("rate limit store unavailable; budget not reported")
            return Verdict(True, item.amount, item.amount, int(time.time()) + item.get_expiry())
        return Verdict(True, item.amount, stats.remaining, int(stats.reset_time))
