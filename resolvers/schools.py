"""Schools administration: super admins manage every school; a school
admin sees and edits only their own and can neither create nor remove one. Every write is
audit-logged in the same transaction. A school that still has users or classrooms is not
deleted unless the caller asks to archive it instead."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, or_, select, update

from ground.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from models.classrooms import Classroom
from models.curriculum import Curriculum
from models.db import transaction
from models.enums import Role
from models.events import OutboxEvent, WebhookEndpoint
from models.identity import AuditLog, School, User
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import COUNTRY_CODE, SCHOOL_NAME, SCHOOL_REGION
from resolvers.pagination import Page, paginate, search_pattern
from resolvers.permissions import require_role
from resolvers.results import result_of

ADMINS = {Role.SUPER_ADMIN, Role.SCHOOL_ADMIN}
# What keeps a school from being deleted (it can be archived instead).
HOLDERS: dict[str, Any] = {
    "users": User,
    "classrooms": Classroom,
    "webhook endpoints": WebhookEndpoint,
    "events": OutboxEvent,
}


class SchoolNotEmpty(Conflict):
    code, default_message = (
        "SCHOOL_NOT_EMPTY",
        "The school still has users or classrooms; archive it instead (archive=true)",
    )


@dataclass(frozen=True)
class AdminSchool:
    """A school, as administrators manage it."""

    id: int
    name: str
    country: str
    region: str | None
    curriculum_id: int | None
    is_archived: bool
    created_at: datetime


def admin_school_of(school: School) -> AdminSchool:
    return result_of(AdminSchool, school)


@dataclass(frozen=True)
class SchoolFields:
    """What a caller may set; None leaves a field as it is (on update)."""

    name: str | None = None
    country: str | None = None
    region: str | None = None
    curriculum_id: int | None = None


def _missing(school_id: int) -> NotFound:
    return NotFound(
        "The requested school does not exist",
        details={"id": [f"School with ID {school_id} not found"]},
    )


async def list_schools(
    context: Context,
    *,
    limit: int,
    offset: int,
    country: str | None,
    search: str | None,
    include_archived: bool,
) -> Page[AdminSchool]:
    user = await current_user(context)
    require_role(user, ADMINS)
    statement = select(School).order_by(col(School.name), col(School.id))
    if user.role == Role.SCHOOL_ADMIN:
        statement = statement.where(col(School.id) == user.school_id)
    if country is not None:
        statement = statement.where(col(School.country) == country.upper())
    if (pattern := search_pattern(search)) is not None:
        statement = statement.where(
            or_(
                func.lower(School.name).like(pattern, escape="\\"),
                func.lower(School.region).like(pattern, escape="\\"),
            )
        )
    if not include_archived:
        statement = statement.where(col(School.is_archived).is_(False))
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
    return page.map(admin_school_of)


async def get_school(context: Context, school_id: int) -> AdminSchool:
    user = await current_user(context)
    require_role(user, ADMINS)
    if user.role == Role.SCHOOL_ADMIN and user.school_id != school_id:
        raise _missing(school_id)
    async with context.state.sessions() as session:
        school = await session.get(School, school_id)
    if school is None:
        raise _missing(school_id)
    return admin_school_of(school)


async def _check(context: Context, fields: SchoolFields, creating: bool) -> dict[str, Any]:
    """The validated values to store, or a 422 naming every bad field."""
    details: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if fields.name is not None or creating:
        if not SCHOOL_NAME.fits(fields.name or ""):
            details["name"] = [f"Must be 1 to {SCHOOL_NAME.longest} characters."]
        values["name"] = (fields.name or "").strip()
    if fields.country is not None or creating:
        country = (fields.country or "").strip().upper()
        if not COUNTRY_CODE.fits(fields.country or ""):
            details["country"] = ["Must be a two-letter ISO 3166 code, such as UG, KE or ZM."]
        values["country"] = country
    if fields.region is not None:
        region = fields.region.strip()
        if not SCHOOL_REGION.fits(fields.region):
            details["region"] = [f"Must be at most {SCHOOL_REGION.longest} characters."]
        values["region"] = region or None
    if fields.curriculum_id is not None:
        async with context.state.sessions() as session:
            if await session.get(Curriculum, fields.curriculum_id) is None:
                details["curriculum_id"] = [f"No curriculum {fields.curriculum_id}."]
        values["curriculum_id"] = fields.curriculum_id
    if details:
        raise ValidationFailed(details=details)
    return values


async def create_school(context: Context, fields: SchoolFields) -> AdminSchool:
    user = await current_user(context)
    require_role(user, {Role.SUPER_ADMIN})
    values = await _check(context, fields, creating=True)
    async with transaction(context.state.sessions) as session:
        school = School(**values)
        session.add(school)
        await session.flush()
        audit.record(
            session,
            context,
            "school_created",
            actor_id=user.id,
            target_type="school",
            target_id=school.id,
            school_id=school.id,
            details=values,
        )
    return admin_school_of(school)


async def update_school(context: Context, school_id: int, fields: SchoolFields) -> AdminSchool:
    user = await current_user(context)
    require_role(user, ADMINS)
    if user.role == Role.SCHOOL_ADMIN and user.school_id != school_id:
        raise _missing(school_id)
    values = await _check(context, fields, creating=False)
    if user.role == Role.SCHOOL_ADMIN and "country" in values:
        raise PermissionDenied("Only a super admin can move a school to another country")
    async with transaction(context.state.sessions) as session:
        school = await session.get(School, school_id, with_for_update=True)
        if school is None:
            raise _missing(school_id)
        before = {name: getattr(school, name) for name in values}
        for name, value in values.items():
            setattr(school, name, value)
        session.add(school)
        audit.record(
            session,
            context,
            "school_updated",
            actor_id=user.id,
            target_type="school",
            target_id=school_id,
            school_id=school_id,
            details={"before": before, "after": values},
        )
    return admin_school_of(school)


@dataclass(frozen=True)
class SchoolRemoval:
    """The outcome of removing a school."""

    id: int
    deleted: bool
    archived: bool


async def delete_school(context: Context, school_id: int, archive: bool) -> SchoolRemoval:
    user = await current_user(context)
    require_role(user, {Role.SUPER_ADMIN})
    async with transaction(context.state.sessions) as session:
        school = await session.get(School, school_id, with_for_update=True)
        if school is None:
            raise _missing(school_id)
        held = {
            name: (
                await session.exec(
                    select(func.count()).select_from(model).where(col(model.school_id) == school_id)
                )
            ).one()
            for name, model in HOLDERS.items()
        }
        if any(held.values()):
            if not archive:
                inventory = ", ".join(f"{count} {name}" for name, count in held.items() if count)
                raise SchoolNotEmpty(details={"id": [f"The school still has {inventory}."]})
            school.is_archived = True
            session.add(school)
            action = "school_archived"
        else:
            # The audit trail stays; its entries stop pointing at the row that goes.
            await session.exec(
                update(AuditLog).where(col(AuditLog.school_id) == school_id).values(school_id=None)
            )
            await session.delete(school)
            action = "school_deleted"
        audit.record(
            session,
            context,
            action,
            actor_id=user.id,
            target_type="school",
            target_id=school_id,
            school_id=None if action == "school_deleted" else school_id,
            details={"name": school.name, **held},
        )
    return SchoolRemoval(
        id=school_id, deleted=action == "school_deleted", archived=action == "school_archived"
    )
