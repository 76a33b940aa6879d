"""Users administration. Super admins manage everyone; a school admin
manages the users of their own school only, cannot create or promote anyone to an
administrator role, and cannot move a user to another school. Emails are unique without
regard to case; passwords must be strong. Role, school and activation changes are
audit-logged with the change, in the same transaction."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from anyio import to_thread
from sqlmodel import col, func, or_, select

from ground.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ground.passwords import hash_password
from models.db import transaction
from models.enums import Role
from models.identity import School, User
from resolvers import audit
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import EMAIL, PASSWORD, PERSON_NAME
from resolvers.pagination import Page, paginate, search_pattern
from resolvers.permissions import require_role
from resolvers.results import result_of

ADMINS = {Role.SUPER_ADMIN, Role.SCHOOL_ADMIN}
# What a school admin may create or assign: never an administrator.
SCHOOL_ROLES = {Role.TEACHER, Role.STUDENT}
AUDITED = ("role", "school_id", "is_active")


class EmailTaken(Conflict):
    code, default_message = "EMAIL_TAKEN", "A user with this email already exists"


# Not frozen, nor the views built on it: Strawberry makes each registered class a dataclass
# again, without `frozen`, which a frozen base class forbids.
@dataclass
class Account:
    """Who a user is: the fields every view of a user starts with."""

    id: int
    email: str
    first_name: str
    last_name: str
    role: Role
    school_id: int | None


@dataclass
class AdminUser(Account):
    """A user, as administrators manage them."""

    grade: str | None
    is_active: bool
    created_at: datetime
    last_login: datetime | None


def admin_user_of(user: User) -> AdminUser:
    return result_of(AdminUser, user)


@dataclass(frozen=True)
class UserFields:
    """What a caller may set; None leaves a field as it is (on update)."""

    email: str | None = None
    password: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    role: Role | None = None
    school_id: int | None = None
    grade: str | None = None
    is_active: bool | None = None


def _missing(user_id: int) -> NotFound:
    return NotFound(
        "The requested user does not exist",
        details={"id": [f"User with ID {user_id} not found"]},
    )


def password_problem(password: str, email: str) -> str | None:
    if len(password) < 10:
        return "Must be at least 10 characters."
    if not PASSWORD.fits(password):  # the length is checked above: its own message
        return "Must contain letters and digits."
    if email and email.split("@")[0].lower() in password.lower():
        return "Must not contain the email's name."
    return None


async def list_users(
    context: Context,
    *,
    limit: int,
    offset: int,
    role: Role | None,
    school_id: int | None,
    search: str | None,
    is_active: bool | None,
) -> Page[AdminUser]:
    caller = await current_user(context)
    require_role(caller, ADMINS)
    statement = select(User).order_by(col(User.id))
    if caller.role == Role.SCHOOL_ADMIN:
        statement = statement.where(col(User.school_id) == caller.school_id)
    if school_id is not None:
        statement = statement.where(col(User.school_id) == school_id)
    if role is not None:
        statement = statement.where(col(User.role) == role)
    if is_active is not None:
        statement = statement.where(col(User.is_active).is_(is_active))
    if (pattern := search_pattern(search)) is not None:
        statement = statement.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.first_name).like(pattern, escape="\\"),
                func.lower(User.last_name).like(pattern, escape="\\"),
            )
        )
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
    return page.map(admin_user_of)


async def _check(
    context: Context, caller: User, fields: UserFields, creating: bool, email_now: str
) -> dict[str, Any]:
    details: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def problem(name: str, message: str) -> None:
        details.setdefault(name, []).append(message)

    if fields.email is not None or creating:
        email = (fields.email or "").strip().lower()
        if not EMAIL.fits(fields.email or ""):
            problem("email", "Must be a valid email address.")
        values["email"] = email
    if fields.password is not None or creating:
        trouble = password_problem(fields.password or "", values.get("email", email_now))
        if trouble:
            problem("password", trouble)
    for name in ("first_name", "last_name"):
        value = getattr(fields, name)
        if value is not None or creating:
            if not PERSON_NAME.fits(value or ""):
                problem(name, f"Must be 1 to {PERSON_NAME.longest} characters.")
            values[name] = (value or "").strip()
    if fields.role is not None:
        values["role"] = fields.role
    elif creating:  # the schema types the role; a new user needs one
        problem("role", f"Must be one of {', '.join(Role)}.")
    if fields.grade is not None:
        values["grade"] = fields.grade.strip()[:20] or None
    if fields.is_active is not None:
        values["is_active"] = fields.is_active
    if fields.school_id is not None:
        async with context.state.sessions() as session:
            if await session.get(School, fields.school_id) is None:
                problem("school_id", f"No school {fields.school_id}.")
        values["school_id"] = fields.school_id
    if details:
        raise ValidationFailed(details=details)
    if caller.role == Role.SCHOOL_ADMIN:
        if values.get("role") not in (None, *SCHOOL_ROLES):
            raise PermissionDenied("School admins may only create or assign teachers and students")
        if values.get("school_id") not in (None, caller.school_id):
            raise PermissionDenied("School admins manage the users of their own school only")
        if creating:
            values["school_id"] = caller.school_id
    return values


async def _email_free(session: Any, email: str, other_than: int | None = None) -> None:
    statement = select(User.id).where(func.lower(User.email) == email)
    if other_than is not None:
        statement = statement.where(col(User.id) != other_than)
    if (await session.exec(statement)).first() is not None:
        raise EmailTaken(details={"email": ["A user with this email already exists."]})


async def create_user(context: Context, fields: UserFields) -> AdminUser:
    caller = await current_user(context)
    require_role(caller, ADMINS)
    values = await _check(context, caller, fields, creating=True, email_now="")
    # Argon2 is slow on purpose: off the event loop.
    hashed = await to_thread.run_sync(hash_password, fields.password or "")
    async with transaction(context.state.sessions) as session:
        await _email_free(session, values["email"])
        user = User(**values, password_hash=hashed)
        session.add(user)
        await session.flush()
        audit.record(
            session,
            context,
            "user_created",
            actor_id=caller.id,
            target_type="user",
            target_id=user.id,
            school_id=user.school_id,
            details={"role": user.role, "email": user.email},
        )
    return admin_user_of(user)


async def update_user(context: Context, user_id: int, fields: UserFields) -> AdminUser:
    caller = await current_user(context)
    require_role(caller, ADMINS)
    async with transaction(context.state.sessions) as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None or (
            caller.role == Role.SCHOOL_ADMIN and user.school_id != caller.school_id
        ):
            raise _missing(user_id)
        if caller.role == Role.SCHOOL_ADMIN and user.role not in SCHOOL_ROLES:
            raise PermissionDenied("School admins may change teachers and students only")
        values = await _check(context, caller, fields, creating=False, email_now=user.email)
        if "email" in values:
            await _email_free(session, values["email"], other_than=user_id)
        changes = {
            name: [getattr(user, name), value]
            for name, value in values.items()
            if name in AUDITED and getattr(user, name) != value
        }
        for name, value in values.items():
            setattr(user, name, value)
        if fields.password is not None:
            user.password_hash = await to_thread.run_sync(hash_password, fields.password)
            user.token_version += 1  # a new password ends the sessions of the old one
            changes["password"] = ["(changed)", "(changed)"]
        session.add(user)
        if changes:
            audit.record(
                session,
                context,
                "user_updated",
                actor_id=caller.id,
                target_type="user",
                target_id=user_id,
                school_id=user.school_id,
                details=changes,
            )
    return admin_user_of(user)
