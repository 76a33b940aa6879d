"""Assignments: a teacher sets work on topics of one of their classes,
due in the future; the class's students see them. Read access follows the class: its
teachers, its school's admins, super admins, and its students."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from ground.errors import NotFound, PermissionDenied, ValidationFailed
from ground.ids import new_id
from models.classrooms import (
    Assignment,
    AssignmentTopic,
    Classroom,
    ClassroomStudent,
    ClassroomSubject,
    ClassroomTeacher,
)
from models.curriculum import Topic
from models.db import transaction
from models.enums import AssignmentStatus, Role
from models.identity import User
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import ASSIGNMENT_DESCRIPTION, ASSIGNMENT_TITLE
from resolvers.pagination import Page, paginate
from resolvers.teachers import classroom_of

MAX_TOPICS = 50


@dataclass(frozen=True)
class NewAssignment:
    class_id: int
    title: str
    description: str | None
    due_date: datetime
    topic_ids: list[int]


@dataclass(frozen=True)
class AssignmentView:
    """Work set for a class on some of its topics."""

    id: str
    title: str
    description: str | None
    class_id: int
    topic_ids: list[int]
    created_at: datetime
    due_date: datetime
    status: AssignmentStatus


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _check(session: AsyncSession, new: NewAssignment, now: datetime) -> None:
    details: dict[str, list[str]] = {}
    if not ASSIGNMENT_TITLE.fits(new.title):
        details["title"] = [f"Must be 1 to {ASSIGNMENT_TITLE.longest} characters."]
    if new.description is not None and not ASSIGNMENT_DESCRIPTION.fits(new.description):
        details["description"] = [f"Must be at most {ASSIGNMENT_DESCRIPTION.longest} characters."]
    if _aware(new.due_date) <= now:
        details["due_date"] = ["Must be in the future."]
    topics = set(new.topic_ids)
    if not topics or len(topics) > MAX_TOPICS:
        details["topic_ids"] = [f"Give 1 to {MAX_TOPICS} topics."]
    elif len(topics) != len(new.topic_ids):
        details["topic_ids"] = ["A topic is listed twice."]
    else:
        taught = select(ClassroomSubject.subject_id).where(
            col(ClassroomSubject.classroom_id) == new.class_id
        )
        valid = set(
            await session.exec(
                select(Topic.id).where(col(Topic.id).in_(topics), col(Topic.subject_id).in_(taught))
            )
        )
        if outside := sorted(topics - valid):
            details["topic_ids"] = [
                f"Topic {topic_id} is not a topic of this class's subjects." for topic_id in outside
            ]
    if details:
        raise ValidationFailed(details=details)


async def create(context: Context, new: NewAssignment) -> AssignmentView:
    user = await current_user(context)
    if user.role != Role.TEACHER:
        raise PermissionDenied("Only teachers set assignments")
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        await classroom_of(session, user, new.class_id)
        await _check(session, new, now)
        assert user.id is not None
        assignment = Assignment(
            id=new_id("a"),
            classroom_id=new.class_id,
            teacher_id=user.id,
            title=new.title.strip(),
            description=new.description,
            due_date=new.due_date,
            created_at=now,
        )
        session.add(assignment)
        await session.flush()
        session.add_all(
            AssignmentTopic(assignment_id=assignment.id, topic_id=topic_id)
            for topic_id in new.topic_ids
        )
    return _view(assignment, new.topic_ids)


def _view(assignment: Assignment, topic_ids: list[int]) -> AssignmentView:
    return AssignmentView(
        id=assignment.id,
        title=assignment.title,
        description=assignment.description,
        class_id=assignment.classroom_id,
        topic_ids=sorted(topic_ids),
        created_at=assignment.created_at,
        due_date=assignment.due_date,
        status=AssignmentStatus(assignment.status),
    )


def _visible_classrooms(user: User) -> SelectOfScalar[Any] | None:
    """The classrooms whose assignments the caller sees; None: every one."""
    if user.role == Role.SUPER_ADMIN:
        return None
    if user.role == Role.SCHOOL_ADMIN:
        return select(Classroom.id).where(col(Classroom.school_id) == user.school_id)
    if user.role == Role.TEACHER:
        return select(ClassroomTeacher.classroom_id).where(
            col(ClassroomTeacher.teacher_id) == user.id
        )
    return select(ClassroomStudent.classroom_id).where(col(ClassroomStudent.student_id) == user.id)


async def _with_topics(session: AsyncSession, rows: list[Assignment]) -> list[AssignmentView]:
    topics: dict[str, list[int]] = {}
    for assignment_id, topic_id in await session.exec(
        select(AssignmentTopic.assignment_id, AssignmentTopic.topic_id).where(
            col(AssignmentTopic.assignment_id).in_([row.id for row in rows])
        )
    ):
        topics.setdefault(assignment_id, []).append(topic_id)
    return [_view(row, topics.get(row.id, [])) for row in rows]


async def list_assignments(
    context: Context, class_id: int | None, limit: int, offset: int
) -> Page[AssignmentView]:
    """Soonest due first, within the classes the caller sees (or one of them)."""
    user = await current_user(context)
    statement = select(Assignment).order_by(col(Assignment.due_date), col(Assignment.id))
    visible = _visible_classrooms(user)
    if visible is not None:
        statement = statement.where(col(Assignment.classroom_id).in_(visible))
    if class_id is not None:
        statement = statement.where(col(Assignment.classroom_id) == class_id)
    async with context.state.sessions() as session:
        if (
            class_id is not None
            and visible is not None
            and class_id not in set(await session.exec(visible))
        ):
            raise NotFound(
                "The requested class does not exist",
                details={"class_id": [f"Class with ID {class_id} not found"]},
            )
        page = await paginate(session, statement, limit, offset)
        items = await _with_topics(session, page.items)
    return Page(items=items, limit=page.limit, offset=page.offset, total=page.total)


async def get_assignment(context: Context, assignment_id: str) -> AssignmentView:
    user = await current_user(context)
    statement = select(Assignment).where(col(Assignment.id) == assignment_id)
    visible = _visible_classrooms(user)
    if visible is not None:
        statement = statement.where(col(Assignment.classroom_id).in_(visible))
    async with context.state.sessions() as session:
        found = (await session.exec(statement)).first()
        if found is None:
            raise NotFound(
                "The requested assignment does not exist",
                details={"id": [f"Assignment {assignment_id[:40]} not found"]},
            )
        return (await _with_topics(session, [found]))[0]
