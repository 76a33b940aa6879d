"""Types of classroom sessions."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from models import sessions as tables
from resolvers.context import Context
from resolvers.sessions import ModeSwitch as ModeSwitchResult
from resolvers.sessions import SessionEnd as SessionEndResult
from schema.enums import Role, SessionMode, SessionStatus

Ctx = Info[Context, None]


@strawberry.type(description="Someone who joined a session, and when.")
class Participant:
    user_id: int
    role: Role
    joined_at: datetime

    @strawberry.field
    async def name(self, info: Ctx) -> str:
        user = await info.context.loaders.user.load(self.user_id)
        return f"{user.first_name} {user.last_name}" if user else ""


@strawberry.type(
    description="A classroom or learning session; class_id is the classroom (none for a "
    "learner's own session)."
)
class ClassSession:
    id: str
    class_id: int | None
    subject_id: int | None
    topic_id: int | None
    lesson_id: int | None
    name: str | None
    mode: SessionMode
    status: SessionStatus
    started_at: datetime
    ended_at: datetime | None

    @strawberry.field(description="The planned end; sessions run until a teacher ends them.")
    def ends_at(self) -> datetime | None:
        return None

    @strawberry.field
    async def participants(self, info: Ctx) -> list[Participant]:
        rows = await info.context.loaders.participants_of_session.load(self.id)
        return [
            Participant(user_id=row.user_id, role=Role(row.role), joined_at=row.joined_at)
            for row in rows
        ]

    @classmethod
    def of(cls, row: tables.ClassSession) -> "ClassSession":
        return cls(
            id=row.id,
            class_id=row.classroom_id,
            subject_id=row.subject_id,
            topic_id=row.topic_id,
            lesson_id=row.lesson_id,
            name=row.name,
            mode=SessionMode(row.mode),
            status=SessionStatus(row.status),
            started_at=row.started_at,
            ended_at=row.ended_at,
        )


@strawberry.type(description="A session's new mode and when it changed.")
class ModeSwitch:
    id: str
    mode: SessionMode
    switched_at: datetime

    @classmethod
    def of(cls, result: ModeSwitchResult) -> "ModeSwitch":
        session = result.session
        return cls(id=session.id, mode=SessionMode(session.mode), switched_at=result.switched_at)


@strawberry.type(
    description="What happened in a session: who took part and how much the tutor was used."
)
class SessionSummary:
    participants: int
    questions_asked: int
    interactions: int


@strawberry.type(
    description="A session that has just ended: when, how long it ran and its summary."
)
class SessionEnd:
    id: str
    status: SessionStatus
    ended_at: datetime
    duration_minutes: int
    summary: SessionSummary

    @classmethod
    def of(cls, result: SessionEndResult) -> "SessionEnd":
        assert result.session.ended_at is not None
        return cls(
            id=result.session.id,
            status=SessionStatus(result.session.status),
            ended_at=result.session.ended_at,
            duration_minutes=result.duration_minutes,
            summary=SessionSummary(
                participants=result.participants,
                questions_asked=result.questions_asked,
                interactions=result.interactions,
            ),
        )
