"""What every resolver receives: the application's long-lived state and, per request,
fresh DataLoaders (a loader shared between requests would leak cached rows between users)."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from learnloom.rate_limits import RateLimiter
from learnloom.settings import Settings
from models.db import SessionFactory, make_engine, make_session_factory
from models.identity import User
from resolvers.loaders.schools import SchoolLoader
from resolvers.tokens import TokenService


@dataclass
class AppState:
    """Built once per process by the application factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    tokens: TokenService
    limiter: RateLimiter

    @classmethod
    def create(cls, settings: Settings) -> "AppState":
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            tokens=TokenService(settings),
            limiter=RateLimiter(settings),
        )

    async def close(self) -> None:
        await self.engine.dispose()


class Loaders:
    """Per-request DataLoaders, created on first use so a request pays only for its own."""

    def __init__(self, state: AppState) -> None:
        self._state = state

    @cached_property
    def school(self) -> SchoolLoader:
        return SchoolLoader(self._state.sessions)


@dataclass
class Context:
    state: AppState
    request_id: str
    request: Any = None  # the Starlette request, absent for in-process calls without one
    # The authenticated caller, loaded on first use (resolvers.authentication).
    user: User | None = field(default=None, init=False)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.state)

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def client_ip(self) -> str | None:
        """As the rate-limit middleware resolved it (trusting only configured proxies)."""
        if self.request is None:
            return None
        state = self.request.scope.get("state", {})
        client = self.request.client
        return state.get("client_ip") or (client.host if client else None)

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name) if self.request is not None else None
