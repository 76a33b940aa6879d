"""Types of the administration API (schools and users)."""

import strawberry

from resolvers import schools, users
from resolvers.schools import AdminSchool, SchoolRemoval
from resolvers.users import AdminUser
from schema.results import graphql_type

graphql_type(AdminSchool)
graphql_type(
    SchoolRemoval,
    fields={
        "deleted": "The school and its row are gone.",
        "archived": "It had users or classrooms: archived.",
    },
)
graphql_type(AdminUser)


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


# The resolver's own class is the input: its fields are what a caller may set.
strawberry.input(
    users.UserFields,
    name="UserInput",
    description="A user to create, or changes to one (left out: unchanged).",
)
UserInput = users.UserFields


__all__ = ["AdminSchool", "AdminUser", "SchoolRemoval"]
