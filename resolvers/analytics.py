"""The LearnLoom analytics figures for the caller's scope (docs/analytics.md, Scope):
everything for a super admin, their school for a school admin, their classrooms for a
teacher."""

import logging
from collections.abc import Callable, Hashable
from datetime import date
from typing import TypeVar

import duckdb
from anyio import to_thread
from sqlmodel import col, func, select

from analytics.metrics import Scope, Windows
from analytics.reader import NoSnapshot, SnapshotMissing
from ground.errors import (
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from models.classrooms import ClassroomStudent, ClassroomTeacher
from models.enums import Role
from models.identity import School, User
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.pagination import MAX_LIMIT
from resolvers.permissions import require_role

T = TypeVar("T")
log = logging.getLogger(__name__)


class WarehouseNotLoaded(ServiceUnavailable):
    """No snapshot has been published yet."""

    code, default_message = (
        "WAREHOUSE_NOT_LOADED",
        "No analytics data yet: run a data refresh first",
    )


class WarehouseUnavailable(ServiceUnavailable):
    """The published snapshot cannot be read (a storage fault): an operator must look."""

    code, default_message = (
        "WAREHOUSE_UNAVAILABLE",
        "The analytics data cannot be read right now; the operators have been alerted",
    )


async def scope_of(
    context: Context, course_id: str | None = None, school_id: int | None = None
) -> Scope:
    """The caller's scope, narrowed to one course and/or one school when asked. A filter
    the caller could not see (a course not in the warehouse, a school not theirs) is missing
    (404, naming the filter), the same whether or not it exists."""
    user = await current_user(context)
    if user.role == Role.SUPER_ADMIN:
        scope = Scope()
    elif user.role == Role.SCHOOL_ADMIN:
        scope = Scope(school_id=user.school_id)
    elif user.role == Role.TEACHER:
        async with context.state.sessions() as session:
            rows = await session.exec(
                select(ClassroomTeacher.classroom_id).where(
                    col(ClassroomTeacher.teacher_id) == user.id
                )
            )
            scope = Scope(classroom_ids=tuple(sorted(rows)))
    else:
        raise PermissionDenied("Analytics are for teachers and administrators")
    if course_id is None and school_id is None:
        return scope
    errors: dict[str, list[str]] = {}
    if school_id is not None and not await _school_visible(context, user, school_id):
        errors["school_id"] = [f"No school {school_id} among the schools you can see."]
    if course_id is not None and course_id not in await _course_ids(context):
        errors["course_id"] = [f"No course {course_id[:100]!r} in the analytics data."]
    if errors:
        raise NotFound("No such course or school among the analytics you can see", details=errors)
    return scope.narrowed(course_id, school_id)


async def _school_visible(context: Context, user: User, school_id: int) -> bool:
    if user.role != Role.SUPER_ADMIN:
        return school_id == user.school_id
    async with context.state.sessions() as session:
        return await session.get(School, school_id) is not None


def snapshot_version(context: Context) -> str:
    """The snapshot the request reads: the current one when it first asks."""
    if context.warehouse_version is None:
        try:
            context.warehouse_version = context.state.warehouse.current()
        except NoSnapshot:
            raise WarehouseNotLoaded() from None
        except SnapshotMissing as exc:
            log.error("warehouse snapshot %s cannot be opened", exc, exc_info=exc.__cause__)
            raise WarehouseUnavailable() from None
    return context.warehouse_version


async def _course_ids(context: Context) -> frozenset[str]:
    def ids(cursor: duckdb.DuckDBPyConnection) -> frozenset[str]:
        return frozenset(
            row[0] for row in cursor.execute("SELECT course_id FROM courses").fetchall()
        )

    return await read(context, "course ids", ids)


def windows(context: Context) -> Windows:
    return Windows(
        active_days=context.settings.analytics_active_days,
        dropout_days=context.settings.analytics_dropout_days,
    )


async def figure(
    context: Context,
    scope_key: str,
    key: Hashable,
    compute: Callable[[duckdb.DuckDBPyConnection], T],
) -> T:
    """A figure of the caller's scope (see `read`). The scope is noted in the context, with
    the snapshot the request pinned: together they name what the answer depends on, which
    the REST facade turns into an ETag (rest_compat/conditional.py)."""
    snapshot_version(context)
    context.figure_scopes.add(scope_key)
    return await read(context, (scope_key, key), compute)


async def read(
    context: Context, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    """`compute` on the request's snapshot, once per snapshot and `key` (which names what is
    computed, its arguments and the scope), in a worker thread; cached in memory."""
    version = snapshot_version(context)
    reader = context.state.warehouse
    found, result = reader.lookup(version, key)
    if not found:
        result = await to_thread.run_sync(reader.cached, version, key, compute)
    return result  # type: ignore[return-value]


def check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed(details={"end_date": ["Must not be before start_date."]})


def student_missing(student_id: int) -> NotFound:
    return NotFound(
        "The requested student does not exist",
        details={"student_id": [f"Student with ID {student_id} not found"]},
    )


async def check_profile_access(context: Context, student_id: int) -> bool:
    """A student sees only themselves; staff see the students of their scope; super admins
    also see students only the warehouse knows (an imported dataset). Anyone else's student
    is reported missing. True when the student is a platform user."""
    user = await current_user(context)
    missing = student_missing(student_id)
    if user.role in (Role.STUDENT, Role.INDEPENDENT_LEARNER):
        if user.id != student_id:
            raise missing
        return True
    async with context.state.sessions() as session:
        student = await session.get(User, student_id)
        if student is None and user.role == Role.SUPER_ADMIN:
            return False
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
    return True


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(details={"limit": [f"Must be between 1 and {MAX_LIMIT}."]})


async def school_context(context: Context, school_id: int) -> tuple[str, int]:
    """(school name, teachers) for the school KPIs, if the caller may see the school: super
    admins any, school admins their own (another school is reported missing), nobody else."""
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
