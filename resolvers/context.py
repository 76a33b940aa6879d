"""What every resolver receives: the application's long-lived state and, per request,
fresh DataLoaders (a loader shared between requests would leak cached rows between users)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.model_store import ModelStore
from analytics.reader import WarehouseReader
from ground.settings import Settings
from models.curriculum import (
    ContentBlock,
    Curriculum,
    GradeClass,
    Lesson,
    QuizQuestion,
    Subject,
    Topic,
)
from models.db import SessionFactory
from models.identity import School, User
from models.sessions import SessionParticipant
from resolvers.loaders.by_id import ByIdLoader, Row
from resolvers.loaders.children import ChildrenLoader, CountLoader
from resolvers.rate_limiter import RateLimiter, Verdict
from resolvers.tokens import TokenService
from resolvers.user_cache import UserCache
from tutor.types import Tutor


@dataclass
class AppState:
    """Built once per process by the application (learnloom/state.py) and handed down."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    tokens: TokenService
    limiter: RateLimiter
    warehouse: WarehouseReader
    models: ModelStore  # the model of /api/predict
    risk_models: ModelStore  # the at-risk list's model, with more features
    users: UserCache
    tutor: Tutor  # the AI tutor's provider (tutor/gateway.py)

    async def close(self) -> None:
        await self.users.stop()
        self.warehouse.close()
        await self.engine.dispose()


class Loaders:
    """Per-request DataLoaders, created on first use so a request pays only for its own."""

    def __init__(self, state: AppState) -> None:
        self._engine = state.engine  # loaders read outside transactions (models.db.read_rows)

    def _by_id(self, model: type[Row]) -> ByIdLoader[Row]:
        return ByIdLoader(self._engine, model)

    @cached_property
    def school(self) -> ByIdLoader[School]:
        return self._by_id(School)

    @cached_property
    def user(self) -> ByIdLoader[User]:
        return self._by_id(User)

    @cached_property
    def participants_of_session(self) -> ChildrenLoader[SessionParticipant]:
        return ChildrenLoader(
            self._engine,
            SessionParticipant,
            SessionParticipant.session_id,
            [SessionParticipant.joined_at, SessionParticipant.id],
        )

    @cached_property
    def curriculum(self) -> ByIdLoader[Curriculum]:
        return self._by_id(Curriculum)

    @cached_property
    def grade_class(self) -> ByIdLoader[GradeClass]:
        return self._by_id(GradeClass)

    @cached_property
    def subject(self) -> ByIdLoader[Subject]:
        return self._by_id(Subject)

    @cached_property
    def topic(self) -> ByIdLoader[Topic]:
        return self._by_id(Topic)

    @cached_property
    def lesson(self) -> ByIdLoader[Lesson]:
        return self._by_id(Lesson)

    @cached_property
    def classes_of_curriculum(self) -> ChildrenLoader[GradeClass]:
        return ChildrenLoader(
            self._engine, GradeClass, GradeClass.curriculum_id, [GradeClass.order, GradeClass.id]
        )

    @cached_property
    def subjects_of_class(self) -> ChildrenLoader[Subject]:
        return ChildrenLoader(self._engine, Subject, Subject.class_id, [Subject.id])

    @cached_property
    def topics_of_subject(self) -> ChildrenLoader[Topic]:
        return ChildrenLoader(
            self._engine, Topic, Topic.subject_id, [Topic.term_number, Topic.order, Topic.id]
        )

    @cached_property
    def lessons_of_topic(self) -> ChildrenLoader[Lesson]:
        return ChildrenLoader(self._engine, Lesson, Lesson.topic_id, [Lesson.order, Lesson.id])

    @cached_property
    def blocks_of_lesson(self) -> ChildrenLoader[ContentBlock]:
        return ChildrenLoader(
            self._engine, ContentBlock, ContentBlock.lesson_id, [ContentBlock.position]
        )

    @cached_property
    def question_count_of_quiz(self) -> CountLoader:
        return CountLoader(self._engine, QuizQuestion.quiz_id)

    @cached_property
    def lesson_count_of_topic(self) -> CountLoader:
        return CountLoader(self._engine, Lesson.topic_id)


@dataclass
class Context:
    state: AppState
    request_id: str
    request: Any = None  # the Starlette request, absent for in-process calls without one
    # Told the verdict of an operation's own rate limit (resolvers/throttle.py): the
    # application reports it in the response's X-RateLimit-* headers.
    report_limit: Callable[[Verdict], None] = lambda _: None
    # The authenticated caller, loaded on first use (resolvers.authentication).
    user: User | None = field(default=None, init=False)
    # The warehouse snapshot this request reads, fixed by its first figure so that every
    # figure of one answer comes from the same snapshot, even if a refresh publishes meanwhile.
    warehouse_version: str | None = field(default=None, init=False)
    # The scopes of the figures the answer holds (resolvers/analytics.py): with the
    # snapshot, what a cached copy of it depends on.
    figure_scopes: set[str] = field(default_factory=set, init=False)
    # A GraphQL WebSocket connection's `connection_init` payload (graphql-transport-ws),
    # where a browser, which cannot set headers on a WebSocket, puts its token.
    connection_params: dict[str, Any] | None = field(default=None, init=False)
    # DataLoaders the schema makes on first use in this request (schema/teachers.py), by
    # what they fetch.
    batches: dict[Any, Any] = field(default_factory=dict, init=False)

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
        if name == "authorization" and self.connection_params:
            given = self.connection_params.get("Authorization") or self.connection_params.get(
                "authorization"
            )
            if isinstance(given, str):
                return given
        return self.request.headers.get(name) if self.request is not None else None
