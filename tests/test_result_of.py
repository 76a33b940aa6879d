"""resolvers/results.result_of, the one place a table row becomes an API result: each field
from its column (or the column it is renamed from), stored strings as the field's enum."""

from datetime import UTC, datetime

from models.classrooms import Classroom  # noqa: F401  # the session row's foreign keys
from models.enums import Role, SessionMode, SessionStatus
from models.identity import User
from models.sessions import ClassSession
from resolvers.results import result_of
from resolvers.sessions import SessionView
from resolvers.users import AdminUser


def test_a_row_becomes_a_result_with_its_renamed_columns_and_enums() -> None:
    started = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    row = ClassSession(
        id="sess-1",
        classroom_id=7,
        owner_id=3,
        class_id=2,
        subject_id=5,
        topic_id=None,
        lesson_id=None,
        name="Fractions",
        mode="practice",
        status="active",
        started_at=started,
    )
    view = result_of(SessionView, row, {"class_id": "classroom_id"})
    assert view.class_id == 7  # the classroom, not the grade class the row also holds
    assert view.mode is SessionMode.PRACTICE and view.status is SessionStatus.ACTIVE
    assert (view.id, view.subject_id, view.topic_id, view.started_at) == (
        "sess-1",
        5,
        None,
        started,
    )


def test_a_result_takes_only_the_columns_it_names() -> None:
    row = User(
        id=4,
        email="a@school.ug",
        password_hash="argon2-hash",
        first_name="Amina",
        last_name="Okello",
        role="TEACHER",
        school_id=1,
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    user = result_of(AdminUser, row)
    assert user.role is Role.TEACHER and user.first_name == "Amina"
    assert "argon2-hash" not in repr(user)
    assert result_of(AdminUser, row, grade="P6").grade == "P6"  # a value given, not a column
