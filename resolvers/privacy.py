"""Privacy duties for children's data: an admin exports everything held about one learner,
or erases the learner. Super admins act on any learner, school admins on their own
school's; both acts are audit-logged (without the learner's personal data).

Erasure removes what identifies the child (name, email, avatar, grade, password, tokens,
the words they typed to the tutor, classroom memberships, the details of audit entries about
them) and keeps their learning rows
under the now anonymous user id, so their school's figures keep their history. The
warehouse reloads its students table on every refresh, so the name leaves the analytics
at the next refresh."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from anyio import to_thread
from sqlmodel import SQLModel, col, delete, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound
from ground.passwords import hash_password
from models.classrooms import ClassroomStudent, SubjectEnrollment
from models.db import transaction
from models.enums import Role
from models.identity import AuditLog, RefreshToken, School, User
from models.learning import LearningEvent, LessonProgress, MilestoneUnlock
from models.sessions import (
    ChatMessage,
    LessonDelivery,
    PracticeAttempt,
    PracticeQuestion,
    SessionParticipant,
    TopicRating,
    TutorFlag,
)
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import ADMINS, LEARNERS, require_role

# What the export holds beside the profile: each table with the column naming the learner,
# and the columns left out (secrets of the server, not data about the child).
EXPORTED: tuple[tuple[str, type[SQLModel], str, frozenset[str]], ...] = (
    ("classrooms", ClassroomStudent, "student_id", frozenset()),
    ("enrollments", SubjectEnrollment, "student_id", frozenset()),
    ("lesson_progress", LessonProgress, "student_id", frozenset()),
    ("learning_history", LearningEvent, "student_id", frozenset()),
    ("milestones", MilestoneUnlock, "student_id", frozenset()),
    ("sessions", SessionParticipant, "user_id", frozenset()),
    ("chat_messages", ChatMessage, "user_id", frozenset()),
    ("lesson_deliveries", LessonDelivery, "student_id", frozenset()),
    ("practice_questions", PracticeQuestion, "student_id", frozenset({"answer_key"})),
    ("practice_attempts", PracticeAttempt, "student_id", frozenset()),
    ("topic_ratings", TopicRating, "student_id", frozenset()),
    ("safeguarding_flags", TutorFlag, "student_id", frozenset()),
    ("sign_ins", RefreshToken, "user_id", frozenset({"token_hash"})),
)
PROFILE_HIDDEN = frozenset({"password_hash", "token_version"})
REDACTED = "[erased]"


@dataclass(frozen=True)
class Erasure:
    """What erasing a learner changed."""

    student_id: int
    erased_at: datetime
    chat_messages_redacted: int
    memberships_removed: int


def _missing(student_id: int) -> NotFound:
    return NotFound(
        "The requested student does not exist",
        details={"student_id": [f"Student with ID {student_id} not found"]},
    )


async def _learner(
    session: AsyncSession, admin: User, student_id: int, *, lock: bool = False
) -> User:
    """The learner, if the admin may act on them; anyone else is missing."""
    student = await session.get(User, student_id, with_for_update=lock)
    if (
        student is None
        or Role(student.role) not in LEARNERS
        or (admin.role != Role.SUPER_ADMIN and student.school_id != admin.school_id)
    ):
        raise _missing(student_id)
    return student


def _plain(row: SQLModel, hidden: frozenset[str]) -> dict[str, Any]:
    return row.model_dump(mode="json", exclude=set(hidden))


async def export(context: Context, student_id: int) -> dict[str, Any]:
    admin = await current_user(context)
    require_role(admin, ADMINS)
    async with transaction(context.state.sessions) as session:
        student = await _learner(session, admin, student_id)
        school = await session.get(School, student.school_id) if student.school_id else None
        document: dict[str, Any] = {
            "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "student": _plain(student, PROFILE_HIDDEN)
            | {"school": school.name if school else None},
        }
        for name, model, column, hidden in EXPORTED:
            rows = await session.exec(
                select(model).where(col(getattr(model, column)) == student_id)
            )
            document[name] = [_plain(row, hidden) for row in rows]
        about = await session.exec(
            select(AuditLog)
            .where(
                or_(
                    col(AuditLog.actor_id) == student_id,
                    (col(AuditLog.target_type) == "user")
                    & (col(AuditLog.target_id) == str(student_id)),
                )
            )
            .order_by(col(AuditLog.id))
        )
        document["audit_log"] = [_plain(row, frozenset()) for row in about]
        audit.record(
            session,
            context,
            "student_data_exported",
            actor_id=admin.id,
            target_type="user",
            target_id=student_id,
            school_id=student.school_id,
            details={"tables": [name for name, *_ in EXPORTED]},
        )
    return document


async def erase(context: Context, student_id: int) -> Erasure:
    admin = await current_user(context)
    require_role(admin, ADMINS)
    now = datetime.now(UTC)
    # An unguessable password nobody knows: the account can never sign in again.
    unusable = await to_thread.run_sync(hash_password, secrets.token_urlsafe(32))
    async with transaction(context.state.sessions) as session:
        student = await _learner(session, admin, student_id, lock=True)
        if student.erased_at is not None:
            return Erasure(student_id, student.erased_at, 0, 0)
        student.email = f"erased-{student_id}@erased.invalid"
        student.first_name, student.last_name = "Erased", "Learner"
        student.avatar_url = student.grade = None
        student.password_hash = unusable
        student.is_active = False
        student.token_version += 1
        student.erased_at = now
        session.add(student)
        await session.exec(delete(RefreshToken).where(col(RefreshToken.user_id) == student_id))
        redacted = await session.exec(
            update(ChatMessage)
            .where(col(ChatMessage.user_id) == student_id)
            .values(message=REDACTED, meta={})
        )
        await session.exec(
            update(TutorFlag)
            .where(col(TutorFlag.student_id) == student_id)
            .values(message=REDACTED)
        )
        left = await session.exec(
            delete(ClassroomStudent).where(col(ClassroomStudent.student_id) == student_id)
        )
        # Earlier entries about the learner keep what happened and when, not who they were.
        await session.exec(
            update(AuditLog)
            .where(col(AuditLog.target_type) == "user", col(AuditLog.target_id) == str(student_id))
            .values(details={"erased": True})
        )
        result = Erasure(student_id, now, redacted.rowcount, left.rowcount)
        audit.record(
            session,
            context,
            "student_erased",
            actor_id=admin.id,
            target_type="user",
            target_id=student_id,
            school_id=student.school_id,
            details={
                "chat_messages_redacted": result.chat_messages_redacted,
                "memberships_removed": result.memberships_removed,
            },
        )
    return result


def export_schema() -> dict[str, Any]:
    """The JSON Schema of `export`'s document, from the same tables and hidden columns: what
    the OpenAPI document shows for the export (GraphQL sees a JSON scalar)."""
    student = _row_schema(User, PROFILE_HIDDEN)
    student["properties"]["school"] = {"type": ["string", "null"], "description": "its name"}
    student["required"].append("school")
    properties: dict[str, Any] = {
        "exported_at": {"type": "string", "format": "date-time"},
        "student": student,
        **{
            name: {"type": "array", "items": _row_schema(model, hidden)}
            for name, model, _, hidden in EXPORTED
        },
        "audit_log": {"type": "array", "items": _row_schema(AuditLog, frozenset())},
    }
    return {
        "type": "object",
        "description": "Everything held about one learner: the profile, then the rows of each table",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _row_schema(model: type[SQLModel], hidden: frozenset[str]) -> dict[str, Any]:
    shown = model.model_json_schema(mode="serialization")
    properties = {
        name: _plain_schema(field)
        for name, field in shown["properties"].items()
        if name not in hidden
    }
    found: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),  # model_dump writes every column, null or not
        "additionalProperties": False,
    }
    if shown.get("description"):
        found["description"] = shown["description"]
    return found


def _plain_schema(field: Any) -> Any:
    """pydantic's schema of a column without its title and default; a timestamp as a string
    (stored ones carry no zone offset, so they are not RFC 3339 date-times)."""
    if isinstance(field, list):
        return [_plain_schema(item) for item in field]
    if not isinstance(field, dict):
        return field
    plain = {k: _plain_schema(v) for k, v in field.items() if k not in ("title", "default")}
    if plain.get("format") == "date-time":
        del plain["format"]
        plain["description"] = "ISO 8601 timestamp, UTC"
    return plain
