"""Classroom sessions: start, join, switch mode, end, find the active
one. Only the classroom's teachers, its school's admins and super admins run a session;
the classroom's students may read and join it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import AppError, NotFound, PermissionDenied, ValidationFailed
from ground.ids import new_id
from models.classrooms import Classroom, ClassroomStudent, ClassroomSubject, ClassroomTeacher
from models.curriculum import Lesson, Topic
from models.db import transaction
from models.enums import ProgressStatus, Role, SessionMode, SessionStatus
from models.events import OutboxEvent
from models.identity import User
from models.learning import LearningEvent
from models.sessions import ChatMessage, ClassSession, SessionModeChange, SessionParticipant
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.results import result_of


class SessionAlreadyActive(AppError):
    """The classroom already has an active session."""

    code, status, default_message = (
        "SESSION_ALREADY_ACTIVE",
        409,
        "This class already has an active session",
    )


class SessionNotActive(AppError):
    """The session has ended."""

    code, status, default_message = "SESSION_NOT_ACTIVE", 409, "This session has already ended"


@dataclass(frozen=True)
class SessionView:
    """A classroom or learning session; class_id is the classroom (none for a learner's own
    session)."""

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


def view_of(row: ClassSession) -> SessionView:
    return result_of(SessionView, row, {"class_id": "classroom_id"})


@dataclass(frozen=True)
class Participant:
    """Someone who joined a session, and when."""

    user_id: int
    role: Role
    joined_at: datetime


async def participants_of(context: Context, session_id: str) -> list[Participant]:
    rows = await context.loaders.participants_of_session.load(session_id)
    return [result_of(Participant, row) for row in rows]


async def participant_name(context: Context, participant: Participant) -> str:
    user = await context.loaders.user.load(participant.user_id)
    return f"{user.first_name} {user.last_name}" if user else ""


@dataclass(frozen=True)
class ModeSwitch:
    """A session's new mode and when it changed."""

    id: str
    mode: SessionMode
    switched_at: datetime


@dataclass(frozen=True)
class SessionSummary:
    """What happened in a session: who took part and how much the tutor was used."""

    participants: int
    questions_asked: int
    interactions: int


@dataclass(frozen=True)
class SessionEnd:
    """A session that has just ended: when, how long it ran and its summary."""

    id: str
    status: SessionStatus
    ended_at: datetime
    duration_minutes: int
    summary: SessionSummary


def _id(user: User) -> int:
    assert user.id is not None
    return user.id


async def may_teach(session: AsyncSession, user: User, classroom: Classroom) -> bool:
    """The classroom's teachers, its school's admins and super admins run its sessions and
    see its students' work."""
    if user.role == Role.SUPER_ADMIN:
        return True
    if user.role == Role.SCHOOL_ADMIN:
        return user.school_id == classroom.school_id
    if user.role == Role.TEACHER:
        link = await session.get(ClassroomTeacher, (classroom.id, user.id))
        return link is not None
    return False


async def _may_read(session: AsyncSession, user: User, classroom: Classroom) -> bool:
    if await may_teach(session, user, classroom):
        return True
    return await session.get(ClassroomStudent, (classroom.id, user.id)) is not None


async def _classroom(session: AsyncSession, user: User, class_id: int, *, run: bool) -> Classroom:
    """The classroom, if the caller may see it: another school's is reported missing."""
    classroom = await session.get(Classroom, class_id)
    if classroom is None or not await _may_read(session, user, classroom):
        raise NotFound(
            "The requested class does not exist",
            details={"class_id": [f"Class with ID {class_id} not found"]},
        )
    if run and not await may_teach(session, user, classroom):
        raise PermissionDenied(
            "Only the class's teachers and its school's admins may run its sessions"
        )
    return classroom


async def visible_session(
    session: AsyncSession, user: User, session_id: str, *, run: bool
) -> tuple[ClassSession, Classroom | None]:
    """The session, if the caller may see it (and run it, with `run`). A learner's own
    session (no classroom: "continue learning") is theirs alone."""
    found = await session.get(ClassSession, session_id)
    classroom = (
        await session.get(Classroom, found.classroom_id) if found and found.classroom_id else None
    )
    own = found is not None and found.classroom_id is None and found.owner_id == user.id
    if not own and (
        found is None or classroom is None or not await _may_read(session, user, classroom)
    ):
        raise NotFound(
            "The requested session does not exist",
            details={"session_id": [f"Session {session_id} not found"]},
        )
    assert found is not None
    if run and classroom is not None and not await may_teach(session, user, classroom):
        raise PermissionDenied(
            "Only the class's teachers and its school's admins may run this session"
        )
    return found, classroom


async def start(
    context: Context,
    *,
    class_id: int,
    subject_id: int | None,
    topic_id: int | None,
    lesson_id: int | None,
    mode: SessionMode,
    session_name: str | None,
) -> SessionView:
    user = await current_user(context)
    async with transaction(context.state.sessions) as session:
        classroom = await _classroom(session, user, class_id, run=True)
        await _check_content(session, classroom, subject_id, topic_id, lesson_id)
        if (
            await session.exec(
                select(ClassSession.id).where(
                    col(ClassSession.classroom_id) == class_id,
                    col(ClassSession.status) == SessionStatus.ACTIVE,
                )
            )
        ).first():
            raise SessionAlreadyActive()
        started = ClassSession(
            id=new_id("sess"),
            classroom_id=class_id,
            owner_id=_id(user),
            class_id=classroom.class_id,
            subject_id=subject_id,
            topic_id=topic_id,
            lesson_id=lesson_id,
            name=session_name,
            mode=mode,
        )
        session.add(started)
        try:
            await session.flush()
        except IntegrityError as exc:  # a concurrent start won the race; the index decided
            raise SessionAlreadyActive() from exc
    return view_of(started)


async def _check_content(
    session: AsyncSession,
    classroom: Classroom,
    subject_id: int | None,
    topic_id: int | None,
    lesson_id: int | None,
) -> None:
    """The subject must be taught in the classroom, the topic be of the subject, the lesson of the topic."""
    details: dict[str, list[str]] = {}
    if (
        subject_id is not None
        and await session.get(ClassroomSubject, (classroom.id, subject_id)) is None
    ):
        details["subject_id"] = [f"Subject {subject_id} is not taught in this class"]
    topic = await session.get(Topic, topic_id) if topic_id is not None else None
    if topic_id is not None and (
        topic is None or (subject_id is not None and topic.subject_id != subject_id)
    ):
        details["topic_id"] = [f"Topic {topic_id} does not belong to the subject"]
    lesson = await session.get(Lesson, lesson_id) if lesson_id is not None else None
    if lesson_id is not None and (
        lesson is None or (topic_id is not None and lesson.topic_id != topic_id)
    ):
        details["lesson_id"] = [f"Lesson {lesson_id} does not belong to the topic"]
    if details:
        raise ValidationFailed(details=details)


async def get(context: Context, *, session_id: str) -> SessionView:
    user = await current_user(context)
    async with context.state.sessions() as session:
        found, _ = await visible_session(session, user, session_id, run=False)
    return view_of(found)


async def active(context: Context, *, class_id: int) -> SessionView:
    user = await current_user(context)
    async with context.state.sessions() as session:
        await _classroom(session, user, class_id, run=False)
        found = (
            await session.exec(
                select(ClassSession).where(
                    col(ClassSession.classroom_id) == class_id,
                    col(ClassSession.status) == SessionStatus.ACTIVE,
                )
            )
        ).first()
    if found is None:
        raise NotFound(
            "This class has no active session",
            details={"class_id": [f"No active session for class {class_id}"]},
        )
    return view_of(found)


async def join(context: Context, *, session_id: str) -> SessionView:
    user = await current_user(context)
    async with transaction(context.state.sessions) as session:
        found, _ = await visible_session(session, user, session_id, run=False)
        if found.status != SessionStatus.ACTIVE:
            raise SessionNotActive()
        existing = (
            await session.exec(
                select(SessionParticipant).where(
                    col(SessionParticipant.session_id) == session_id,
                    col(SessionParticipant.user_id) == user.id,
                )
            )
        ).first()
        if existing is None:
            session.add(
                SessionParticipant(session_id=session_id, user_id=_id(user), role=user.role)
            )
    return view_of(found)


async def switch_mode(context: Context, *, session_id: str, mode: SessionMode) -> ModeSwitch:
    user = await current_user(context)
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        found, _ = await visible_session(session, user, session_id, run=True)
        switched = await session.exec(
            update(ClassSession)
            .where(
                col(ClassSession.id) == session_id, col(ClassSession.status) == SessionStatus.ACTIVE
            )
            .values(mode=mode)
        )
        if switched.rowcount != 1:
            raise SessionNotActive()
        session.add(
            SessionModeChange(
                session_id=session_id,
                from_mode=found.mode,
                to_mode=mode,
                switched_by=_id(user),
                switched_at=now,
            )
        )
    return ModeSwitch(id=session_id, mode=mode, switched_at=now)


async def end(context: Context, *, session_id: str) -> SessionEnd:
    """Ends the session and writes `session.completed` to the outbox in the same transaction."""
    user = await current_user(context)
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        found, classroom = await visible_session(session, user, session_id, run=True)
        ended = await session.exec(
            update(ClassSession)
            .where(
                col(ClassSession.id) == session_id, col(ClassSession.status) == SessionStatus.ACTIVE
            )
            .values(status=SessionStatus.COMPLETED, ended_at=now)
        )
        if ended.rowcount != 1:  # ending twice, or two ends at once: only one wins
            raise SessionNotActive()
        participants = (
            await session.exec(
                select(func.count())
                .select_from(SessionParticipant)
                .where(col(SessionParticipant.session_id) == session_id)
            )
        ).one()
        messages = (
            await session.exec(
                select(ChatMessage.role, func.count())
                .where(col(ChatMessage.session_id) == session_id)
                .group_by(ChatMessage.role)
            )
        ).all()
        completed_lessons = (
            await session.exec(
                select(func.count(func.distinct(LearningEvent.lesson_id))).where(
                    col(LearningEvent.session_id) == session_id,
                    col(LearningEvent.status) == ProgressStatus.COMPLETED,
                )
            )
        ).one()
        by_role = dict(messages)
        duration = max(0, round((now - found.started_at).total_seconds() / 60))
        result = SessionEnd(
            id=session_id,
            status=SessionStatus.COMPLETED,
            ended_at=now,
            duration_minutes=duration,
            summary=SessionSummary(
                participants=participants,
                questions_asked=by_role.get("user", 0),
                interactions=sum(by_role.values()),
            ),
        )
        event_id = new_id("evt")
        session.add(
            OutboxEvent(
                id=event_id,
                event_type="session.completed",
                school_id=classroom.school_id if classroom else user.school_id,
                payload={
                    "event_type": "session.completed",
                    "event_id": event_id,
                    "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "data": {
                        "session_id": session_id,
                        "class_id": classroom.id if classroom else None,
                        "duration_minutes": duration,
                        "participants": participants,
                        "completed_lessons": completed_lessons,
                    },
                },
                created_at=now,
            )
        )
    return result
