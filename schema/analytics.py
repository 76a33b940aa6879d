"""Types of the LearnLoom analytics API: the resolvers' result classes (resolvers/figures.py)
registered as GraphQL types, and the scope's figures, each computed only when asked for."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from analytics.metrics import Scope
from resolvers import figures
from resolvers.context import Context
from resolvers.figures import (
    ActivityPoint,
    ActivityTrend,
    CountryFigures,
    CourseFigures,
    CourseList,
    CourseProgress,
    NationalAnalytics,
    SchoolAnalytics,
    SchoolFigures,
    ScorePoint,
    ScoreTrend,
    StudentProfile,
    SubjectActivity,
    WeeklyProgress,
)
from schema.results import graphql_type

Ctx = Info[Context, None]
CourseFilter = Annotated[
    str | None, strawberry.argument(description="Only this course (a course_id).")
]
SchoolFilter = Annotated[
    int | None,
    strawberry.argument(description="Only this school, within the caller's own scope."),
]

graphql_type(ScoreTrend)
graphql_type(ActivityTrend)
graphql_type(WeeklyProgress)
graphql_type(CourseFigures, fields={"num_students": "Enrollments in the course."})
graphql_type(CourseList)
graphql_type(ScorePoint)
graphql_type(ActivityPoint)
graphql_type(CourseProgress)
graphql_type(StudentProfile)
graphql_type(SubjectActivity)
graphql_type(SchoolAnalytics, fields={"average_engagement": "% of students active this week"})
graphql_type(CountryFigures)
graphql_type(SchoolFigures)
graphql_type(NationalAnalytics)


@strawberry.type(
    description="Learning analytics for the caller's scope (all, their school, or their classrooms)."
)
class Analytics:
    scope: strawberry.Private[Scope]

    @strawberry.field(description="Mean of all scores, 1 decimal; null without scores.")
    async def average_score(self, info: Ctx) -> float | None:
        return await figures.single_figure(info.context, self.scope, "average_score")

    @strawberry.field(description="Completed enrollments ÷ enrollments.")
    async def completion_rate(self, info: Ctx) -> float:
        return await figures.single_figure(info.context, self.scope, "completion_rate")

    @strawberry.field(
        description="Withdrawn, or unfinished and idle for the dropout window, ÷ enrollments."
    )
    async def dropout_rate(self, info: Ctx) -> float:
        return await figures.single_figure(info.context, self.scope, "dropout_rate")

    @strawberry.field(description="Distinct students with at least one enrollment.")
    async def total_students(self, info: Ctx) -> int:
        return await figures.single_figure(info.context, self.scope, "total_students")

    @strawberry.field(
        description="Students with an activity in the active window before the latest activity."
    )
    async def active_students(self, info: Ctx) -> int:
        return await figures.single_figure(info.context, self.scope, "active_students")
