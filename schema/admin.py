"""Types of the administration API (grio-api-v1.txt §8.1)."""

from datetime import datetime

import strawberry

from models.identity import School
from resolvers import schools


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
