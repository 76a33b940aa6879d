"""The one authorization layer: which roles may call a field (function level) and whether
the caller may see this school or this student (object level; docs/api.md, Roles). Every
GraphQL field calls it, so every REST facade does too."""

from collections.abc import Iterable

from ground.errors import NotFound, PermissionDenied
from models.enums import Role
from models.identity import User

ADMINS = frozenset({Role.SUPER_ADMIN, Role.SCHOOL_ADMIN})
STAFF = frozenset({Role.SUPER_ADMIN, Role.SCHOOL_ADMIN, Role.TEACHER})
LEARNERS = frozenset({Role.STUDENT, Role.INDEPENDENT_LEARNER})
# Who may run the AI-led lesson and practice: learners in their sessions, and teachers in
# their own classrooms' sessions, delivering to the class (their answers earn nothing).
TUTORED = LEARNERS | {Role.TEACHER}
EVERYONE = frozenset(Role)

# What each role may do, as `/auth/me/` reports it (docs/api.md, Roles).
PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.SUPER_ADMIN: (
        "manage_schools", "manage_users", "view_analytics", "view_national_analytics",
        "manage_webhooks", "view_class", "view_students", "export_student_data",
    ),
    Role.SCHOOL_ADMIN: (
        "manage_school_users", "view_analytics", "view_reports", "view_class", "view_students",
        "manage_webhooks", "export_student_data",
    ),
    Role.TEACHER: (
        "view_class", "create_assignment", "view_analytics", "manage_sessions", "use_ai_tutor",
    ),
    Role.STUDENT: ("view_dashboard", "view_learning_history", "join_sessions", "use_ai_chat"),
    Role.INDEPENDENT_LEARNER: (
        "view_dashboard", "view_learning_history", "start_sessions", "use_ai_chat",
    ),
}  # fmt: skip


def permissions_of(role: str) -> list[str]:
    return list(PERMISSIONS[Role(role)])


def require_role(user: User, roles: Iterable[Role]) -> None:
    if Role(user.role) not in set(roles):
        raise PermissionDenied("Your role may not do this")


def require_school(user: User, school_id: int | None, *, what: str = "school") -> None:
    """A super admin sees every school; anyone else only their own. Another school's
    object is reported as missing, so its existence is not revealed."""
    if user.role == Role.SUPER_ADMIN:
        return
    if school_id is None or user.school_id != school_id:
        raise NotFound(f"The requested {what} does not exist")


def require_self(user: User, student_id: int) -> None:
    """Students and independent learners see only themselves."""
    if user.id != student_id:
        raise NotFound("The requested student does not exist")
