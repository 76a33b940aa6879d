"""Types of the LearnLoom analytics API; each figure is computed only when asked for."""

from datetime import date

import strawberry
from strawberry.types import Info

from analytics import metrics
from resolvers.analytics import check_range, figure, scope_of, windows
from resolvers.context import Context

Ctx = Info[Context, None]


@strawberry.type
class ScoreTrend:
    dates: list[str]
    scores: list[float]


@strawberry.type
class ActivityTrend:
    dates: list[str]
    activity: list[int]


@strawberry.type
class WeeklyProgress:
    weeks: list[str]
    average_scores: list[float]


@strawberry.type(
    description="Learning analytics for the caller's scope (all, their school, or their classrooms)."
)
class Analytics:
    scope: strawberry.Private[metrics.Scope]

    @strawberry.field(description="Mean of all scores, 1 decimal; null without scores.")
    async def average_score(self, info: Ctx) -> float | None:
        return await figure(info.context, lambda c: metrics.average_score(c, self.scope))

    @strawberry.field(description="Completed enrollments ÷ enrollments.")
    async def completion_rate(self, info: Ctx) -> float:
        return await figure(info.context, lambda c: metrics.completion_rate(c, self.scope))

    @strawberry.field(
        description="Withdrawn, or unfinished and idle for the dropout window, ÷ enrollments."
    )
    async def dropout_rate(self, info: Ctx) -> float:
        return await figure(
            info.context, lambda c: metrics.dropout_rate(c, self.scope, windows(info.context))
        )

    @strawberry.field(description="Distinct students with at least one enrollment.")
    async def total_students(self, info: Ctx) -> int:
        return await figure(info.context, lambda c: metrics.total_students(c, self.scope))

    @strawberry.field(
        description="Students with an activity in the active window before the latest activity."
    )
    async def active_students(self, info: Ctx) -> int:
        return await figure(
            info.context, lambda c: metrics.active_students(c, self.scope, windows(info.context))
        )


async def score_trend(
    context: Context, start_date: date | None, end_date: date | None
) -> ScoreTrend:
    check_range(start_date, end_date)
    scope = await scope_of(context)
    rows = await figure(context, lambda c: metrics.score_trend(c, scope, start_date, end_date))
    return ScoreTrend(dates=[d for d, _ in rows], scores=[s for _, s in rows])


async def activity_trend(
    context: Context, start_date: date | None, end_date: date | None
) -> ActivityTrend:
    check_range(start_date, end_date)
    scope = await scope_of(context)
    rows = await figure(context, lambda c: metrics.activity_trend(c, scope, start_date, end_date))
    return ActivityTrend(dates=[d for d, _ in rows], activity=[n for _, n in rows])


async def weekly_progress(
    context: Context, start_date: date | None, end_date: date | None
) -> WeeklyProgress:
    check_range(start_date, end_date)
    scope = await scope_of(context)
    rows = await figure(context, lambda c: metrics.weekly_progress(c, scope, start_date, end_date))
    return WeeklyProgress(weeks=[w for w, _ in rows], average_scores=[s for _, s in rows])
