"""The LearnLoom analytics figures for the caller's scope (DESIGN.md §5): everything for a
super admin, their school for a school admin, their classrooms for a teacher."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import duckdb
from anyio import to_thread
from sqlmodel import col, select

from analytics.metrics import Scope, Windows
from analytics.reader import NoSnapshot
from learnloom.errors import PermissionDenied, ServiceUnavailable, ValidationFailed
from models.classrooms import ClassroomTeacher
from models.enums import Role
from resolvers.authentication import current_user
from resolvers.context import Context

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


async def figure(context: Context, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run a query on the current snapshot in a worker thread."""

    def run(cursor: duckdb.DuckDBPyConnection, _version: str) -> T:
        return compute(cursor)

    try:
        return await to_thread.run_sync(context.state.warehouse.query, run)
    except NoSnapshot:
        raise WarehouseNotLoaded() from None


def check_range(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed(details={"end_date": ["Must not be before start_date."]})
