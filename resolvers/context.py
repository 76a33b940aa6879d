"""What every resolver receives: the application's long-lived state and, per request,
fresh DataLoaders (a loader shared between requests would leak cached rows between users)."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from learnloom.settings import Settings
from models.db import SessionFactory, make_engine, make_session_factory
from resolvers.loaders.schools import SchoolLoader


@dataclass
class AppState:
    """Built once per process by the application factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory

    @classmethod
    def create(cls, settings: Settings) -> "AppState":
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))

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

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.state)

    @property
    def settings(self) -> Settings:
        return self.state.settings
