"""The LearnLoom analytics figures for the caller's scope (DESIGN.md §5): everything for a
super admin, their school for a school admin, their classrooms for a teacher."""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import duckdb
from anyio import to_thread
from sqlmodel import col, func, select

from analytics.metrics import Scope, Windows
from analytics.reader import NoSnapshot
from learnloom.errors import (
    NotFound,
    NotModified,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from models.classrooms import ClassroomStudent, ClassroomTeacher
from models.enums import Role
from models.identity import School, User
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.permissions import require_role

T = TypeVar("T")


class WarehouseNotLoaded(ServiceUnavailable):
    """No snapshot has been published yet."""

    code, default_message = (
        "WAREHOUSE_NOT_LOADED",
        "No analytics data yet: run a data refresh first",
    )


async def scope_of(context: Context) -> Scope:
    user = await current_user(context)
    if user.role == Role.SUPER_ADMIN:
        return Scope()
    if user.role == Role.SCHOOL_ADMIN:
        return Scope(school_id=user.school_id)
    if user.role == Role.TEACHER:
        async with context.state.sessions() as session:
            rows = await session.exec(
                select(ClassroomTeacher.classroom_id).where(
                    col(ClassroomTeacher.teacher_id) == user.id
                )
            )
            return Scope(classroom_ids=tuple(sorted(rows)))
    raise PermissionDenied("Analytics are for teachers and administrators")


def windows(context: Context) -> Windows:
    return Windows(
        active_days=context.settings.analytics_active_days,
        dropout_days=context.settings.analytics_dropout_days,
    )


async def figure(
    context: Context, scope_key: str, compute: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    """Run a query on the current snapshot in a worker thread. REST answers carry an ETag
    of the snapshot version and the caller's scope; a matching If-None-Match is a 304."""
    reader = context.state.warehouse
    try:
        version = reader.current()
    except NoSnapshot:
        raise WarehouseNotLoaded() from None
    tag = etag(version, scope_key)
    rest = context.request is not None and _is_rest(context)
    if rest and context.header("if-none-match") == tag:
        raise NotModified(tag)
    result = await to_thread.run_sync(reader.query, compute, version)
    if rest:
        context.request.scope["state"]["etag"] = tag
    return result


def etag(version: str, scope_key: str) -> str:
    return '"' + hashlib.sha256(f"{version}|{scope_key}".encode()).hexdigest()[:24] + '"'


def _is_rest(context: Context) -> bool:
    return bool(context.request.url.path.startswith("/api/"))


def check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed(details={"end_date": ["Must not be before start_date."]})


async def check_profile_access(context: Context, student_id: int) -> None:
    """A student sees only themselves; staff see the students of their scope. Anyone else's
    student is reported missing."""
    user = await current_user(context)
    missing = NotFound(
        "The requested student does not exist",
        details={"student_id": [f"Student with ID {student_id} not found"]},
    )
    if user.role in (Role.STUDENT, Role.INDEPENDENT_LEARNER):
        if user.id != student_id:
            raise missing
        return
    async with context.state.sessions() as session:
        student = await session.get(User, student_id)
        if student is None or student.role not in (Role.STUDENT, Role.INDEPENDENT_LEARNER):
            raise missing
        if user.role == Role.SCHOOL_ADMIN and student.school_id != user.school_id:
            raise missing
        if user.role == Role.TEACHER:
            taught = await session.exec(
                select(ClassroomStudent.student_id)
                .join(
                    ClassroomTeacher,
                    col(ClassroomTeacher.classroom_id) == col(ClassroomStudent.classroom_id),
                )
                .where(
                    col(ClassroomTeacher.teacher_id) == user.id,
                    col(ClassroomStudent.student_id) == student_id,
                )
            )
            if taught.first() is None:
                raise missing


def check_limit(limit: int) -> None:
    if not 1 <= limit <= 100:
        raise ValidationFailed(details={"limit": ["Must be between 1 and 100."]})


async def school_context(context: Context, school_id: int) -> tuple[str, int]:
    """(school name, teachers) for §8.2, if the caller may see the school: super admins any,
    school admins their own (another school is reported missing), nobody else."""
    user = await current_user(context)
    if user.role not in (Role.SUPER_ADMIN, Role.SCHOOL_ADMIN):
        raise PermissionDenied("School analytics are for administrators")
    missing = NotFound(
        "The requested school does not exist",
        details={"school_id": [f"School with ID {school_id} not found"]},
    )
    if user.role == Role.SCHOOL_ADMIN and user.school_id != school_id:
        raise missing
    async with context.state.sessions() as session:
        school = await session.get(School, school_id)
        if school is None:
            raise missing
        teachers = (
            await session.exec(
                select(func.count())
                .select_from(User)
                .where(col(User.school_id) == school_id, col(User.role) == Role.TEACHER)
            )
        ).one()
    return school.name, int(teachers)


async def school_names(context: Context) -> dict[int, str]:
    """Super admins only: the national view names every school."""
    require_role(await current_user(context), {Role.SUPER_ADMIN})
    async with context.state.sessions() as session:
        return {
            school.id: school.name
            for school in await session.exec(select(School))
            if school.id is not None
        }
