"""Types of the administration API (schools and users)."""

from datetime import datetime

import strawberry

from models.identity import School, User
from resolvers import schools, users
from schema.enums import Role


@strawberry.type(name="AdminSchool", description="A school, as administrators manage it.")
class AdminSchool:
    id: int
    name: str
    country: str
    region: str | None
    curriculum_id: int | None
    is_archived: bool
    created_at: datetime

    @classmethod
    def of(cls, school: School) -> "AdminSchool":
        assert school.id is not None
        return cls(
            id=school.id,
            name=school.name,
            country=school.country,
            region=school.region,
            curriculum_id=school.curriculum_id,
            is_archived=school.is_archived,
            created_at=school.created_at,
        )


@strawberry.input(description="A new school.")
class SchoolInput:
    name: str
    country: str = strawberry.field(description="ISO 3166 code: UG, KE, ZM...")
    region: str | None = None
    curriculum_id: int | None = None

    def fields(self) -> schools.SchoolFields:
        return schools.SchoolFields(self.name, self.country, self.region, self.curriculum_id)


@strawberry.input(description="Changes to a school; fields left out stay as they are.")
class SchoolPatch:
    name: str | None = None
    country: str | None = None
    region: str | None = None
    curriculum_id: int | None = None

    def fields(self) -> schools.SchoolFields:
        return schools.SchoolFields(self.name, self.country, self.region, self.curriculum_id)


@strawberry.type(description="The outcome of removing a school.")
class SchoolRemoval:
    id: int
    deleted: bool = strawberry.field(description="The school and its row are gone.")
    archived: bool = strawberry.field(description="It had users or classrooms: archived.")


@strawberry.type(name="AdminUser", description="A user, as administrators manage them.")
class AdminUser:
    id: int
    email: str
    first_name: str
    last_name: str
    role: Role
    school_id: int | None
    grade: str | None
    is_active: bool
    created_at: datetime
    last_login: datetime | None

    @classmethod
    def of(cls, user: User) -> "AdminUser":
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=Role(user.role),
            school_id=user.school_id,
            grade=user.grade,
            is_active=user.is_active,
            created_at=user.created_at,
            last_login=user.last_login,
        )


@strawberry.input(description="A user to create, or changes to one (left out: unchanged).")
class UserInput:
    email: str | None = None
    password: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    role: Role | None = None
    school_id: int | None = None
    grade: str | None = None
    is_active: bool | None = None

    def fields(self) -> users.UserFields:
        return users.UserFields(**vars(self))
