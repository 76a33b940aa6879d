"""Types of the teacher's screens, made from the resolvers' result
classes (schema/results.py). A class nests its students, its performance and its students
to help, so the teacher's class screen is one query; each nested field is loaded for all
the classes of the answer at once (a DataLoader per request), not once per class."""

import strawberry
from strawberry.types import Info

from resolvers import at_risk as at_risk_of
from resolvers import teachers
from resolvers.assignments import AssignmentView
from resolvers.at_risk import AtRisk
from resolvers.context import Context
from resolvers.loaders.per_class import per_class
from resolvers.pagination import DEFAULT_LIMIT
from resolvers.teachers import ClassPerformance, ClassStudent, StudentStanding, TeacherClass
from schema.pagination import Page
from schema.results import graphql_type

graphql_type(ClassStudent)
graphql_type(StudentStanding)
graphql_type(ClassPerformance)
graphql_type(AssignmentView, "Assignment")


@strawberry.field(description="A page of the class's students, by name.")
async def students(
    root: TeacherClass, info: Info[Context, None], limit: int = DEFAULT_LIMIT, offset: int = 0
) -> Page[ClassStudent]:
    page = await per_class(info.context, teachers.my_classes_students, root.id, limit, offset)
    return Page.of(page)


@strawberry.field(description="How the class is doing (as classPerformance).")
async def performance(
    root: TeacherClass,
    info: Info[Context, None],
    top_score: float | None = None,
    support_score: float | None = None,
    support_progress: float | None = None,
    size: int | None = None,
) -> ClassPerformance | None:
    bars = teachers.thresholds(info.context, top_score, support_score, support_progress, size)
    found: ClassPerformance | None = await per_class(
        info.context, teachers.my_classes_performance, root.id, bars
    )
    return found


@strawberry.field(
    description="The class's unfinished enrollments least likely to complete, with "
    "reasons (as atRiskStudents(classId))."
)
async def at_risk(root: TeacherClass, info: Info[Context, None], limit: int = 20) -> list[AtRisk]:
    found: list[AtRisk] = await per_class(info.context, at_risk_of.at_risk_by_class, root.id, limit)
    return found


graphql_type(TeacherClass, computed=[students, performance, at_risk])


__all__ = ["AssignmentView", "ClassPerformance", "ClassStudent", "TeacherClass"]
