"""Safeguarding around the tutor (the README's "Safeguarding"): each message a learner sends
is screened (tutor/safety.py) before any answer; a message the tutor must not answer gets the
safeguarding or redirecting reply, and one an adult must hear about becomes a flag, written
in the same transaction as the message, with a thin `tutor.message_flagged` event in the
outbox (no message text: receivers fetch the flag with a token).

Flags are read and acknowledged by the adults responsible for the child: the teachers of
the classroom (the session's, or the learner's own classroom for a learning session of
their own) and the admins of the learner's school. Learners without a school are looked
after by super admins. Nobody else, and no other learner, ever sees them."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound
from ground.ids import new_id
from models.classrooms import ClassroomStudent, ClassroomTeacher
from models.db import transaction
from models.enums import FlagSource, FlagStatusFilter, Role
from models.events import OutboxEvent
from models.identity import School, User
from models.sessions import ClassSession, TutorFlag
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.pagination import Page, check_window, paginate
from resolvers.permissions import require_role
from tutor.lexicon import Category
from tutor.safety import Helpline, Screening, Severity

EVENT = "tutor.message_flagged"
REVIEWERS = {Role.TEACHER, Role.SCHOOL_ADMIN, Role.SUPER_ADMIN}
MAX_MESSAGE = 2000


@dataclass(frozen=True)
class FlagView:
    """A flagged message, for the adults responsible for the learner."""

    id: str
    student_id: int
    student_name: str
    session_id: str | None
    classroom_id: int | None
    school_id: int | None
    source: FlagSource
    category: Category
    severity: Severity
    message: str
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None


async def helpline_for(session: AsyncSession, context: Context, user: User) -> Helpline | None:
    """The child helpline of the learner's school's country, from LEARNLOOM_CHILD_HELPLINES;
    None (a generic line is named) when the learner has no school or the country none."""
    if user.school_id is None:
        return None
    school = await session.get(School, user.school_id)
    found = context.settings.child_helplines.get(school.country, {}) if school else {}
    if not found.get("name") or not found.get("number"):
        return None
    return Helpline(found["name"], found["number"])


async def _classroom_of(
    session: AsyncSession, user: User, place: ClassSession | None
) -> int | None:
    if place is not None and place.classroom_id is not None:
        return place.classroom_id
    mine = await session.exec(
        select(ClassroomStudent.classroom_id)
        .where(col(ClassroomStudent.student_id) == user.id)
        .order_by(col(ClassroomStudent.classroom_id))
    )
    return mine.first()


async def raise_flag(
    session: AsyncSession,
    user: User,
    screening: Screening,
    message: str,
    *,
    source: str,
    place: ClassSession | None,
    chat_message_id: str | None = None,
) -> TutorFlag | None:
    """Adds the flag and its event to `session`, so they commit with the message, or
    nothing when the message is not one an adult must hear about."""
    if not screening.flagged or screening.category is None or screening.severity is None:
        return None
    assert user.id is not None
    flag = TutorFlag(
        id=new_id("flag"),
        student_id=user.id,
        session_id=place.id if place else None,
        classroom_id=await _classroom_of(session, user, place),
        school_id=user.school_id,
        source=source,
        chat_message_id=chat_message_id,
        category=screening.category.value,
        severity=screening.severity.value,
        message=message[:MAX_MESSAGE],
        created_at=datetime.now(UTC),
    )
    session.add(flag)
    event_id = new_id("evt")
    stamp = flag.created_at.isoformat().replace("+00:00", "Z")
    session.add(
        OutboxEvent(
            id=event_id,
            event_type=EVENT,
            school_id=flag.school_id,
            payload={
                "event_type": EVENT,
                "event_id": event_id,
                "timestamp": stamp,
                "data": {
                    "flag_id": flag.id,
                    "student_id": flag.student_id,
                    "session_id": flag.session_id,
                    "classroom_id": flag.classroom_id,
                    "category": flag.category,
                    "severity": flag.severity,
                    "created_at": stamp,
                },
            },
        )
    )
    return flag


def _visible(user: User) -> ColumnElement[bool]:
    """The flags `user` may read: their classrooms' (teachers), their school's (school
    admins), those of learners without a school (super admins)."""
    if user.role == Role.SUPER_ADMIN:
        return col(TutorFlag.school_id).is_(None)
    if user.role == Role.SCHOOL_ADMIN:
        return col(TutorFlag.school_id) == user.school_id
    taught = select(ClassroomTeacher.classroom_id).where(
        col(ClassroomTeacher.teacher_id) == user.id
    )
    return col(TutorFlag.classroom_id).in_(taught)


def _view(flag: TutorFlag, student: User | None) -> FlagView:
    name = f"{student.first_name} {student.last_name}".strip() if student else ""
    return FlagView(
        id=flag.id,
        student_id=flag.student_id,
        student_name=name,
        session_id=flag.session_id,
        classroom_id=flag.classroom_id,
        school_id=flag.school_id,
        source=FlagSource(flag.source),
        category=Category(flag.category),
        severity=Severity(flag.severity),
        message=flag.message,
        created_at=flag.created_at,
        acknowledged_at=flag.acknowledged_at,
        acknowledged_by=flag.acknowledged_by,
    )


async def list_flags(
    context: Context, status: FlagStatusFilter, limit: int, offset: int
) -> Page[FlagView]:
    """Newest first; `open` (the default) lists those nobody has acknowledged yet."""
    user = await current_user(context)
    require_role(user, REVIEWERS)
    check_window(limit, offset)
    statement = select(TutorFlag).where(_visible(user))
    if status != FlagStatusFilter.ALL:
        acknowledged = col(TutorFlag.acknowledged_at).is_not(None)
        statement = statement.where(
            acknowledged if status == FlagStatusFilter.ACKNOWLEDGED else ~acknowledged
        )
    statement = statement.order_by(col(TutorFlag.created_at).desc(), col(TutorFlag.id).desc())
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
        ids = {flag.student_id for flag in page.items}
        students = {s.id: s for s in await session.exec(select(User).where(col(User.id).in_(ids)))}
    return Page(
        [_view(flag, students.get(flag.student_id)) for flag in page.items],
        page.limit,
        page.offset,
        page.total,
    )


async def acknowledge(context: Context, flag_id: str) -> FlagView:
    """Marks the flag as seen by the caller (once: a second acknowledgement keeps the
    first's time and person), audit-logged."""
    user = await current_user(context)
    require_role(user, REVIEWERS)
    async with transaction(context.state.sessions) as session:
        flag = (
            await session.exec(
                select(TutorFlag).where(col(TutorFlag.id) == flag_id, _visible(user))
            )
        ).first()
        if flag is None:
            raise NotFound(
                "The requested flag does not exist",
                details={"flag_id": [f"Flag {flag_id[:40]} not found"]},
            )
        if flag.acknowledged_at is None:
            flag.acknowledged_at, flag.acknowledged_by = datetime.now(UTC), user.id
            session.add(flag)
            audit.record(
                session,
                context,
                "tutor_flag_acknowledged",
                actor_id=user.id,
                target_type="tutor_flag",
                target_id=flag.id,
                school_id=flag.school_id,
                details={"category": flag.category, "student_id": flag.student_id},
            )
        student = await session.get(User, flag.student_id)
    return _view(flag, student)
