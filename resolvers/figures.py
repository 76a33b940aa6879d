"""What each analytics field answers, as frozen dataclasses the schema registers as its
types (schema/analytics.py): the trends, the course figures and rankings, a student's
profile, a school's KPIs and the national breakdown, each computed once per snapshot and
scope (resolvers/analytics.py) in a worker thread."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from analytics import metrics
from resolvers.analytics import (
    WarehouseNotLoaded,
    check_limit,
    check_profile_access,
    check_range,
    figure,
    school_context,
    school_names,
    scope_of,
    student_missing,
    windows,
)
from resolvers.context import Context


@dataclass(frozen=True)
class ScoreTrend:
    """Average score per day, for the contract's line chart: dates and scores in step."""

    dates: list[str]
    scores: list[float]


@dataclass(frozen=True)
class ActivityTrend:
    """Learning activities per day: dates and counts in step."""

    dates: list[str]
    activity: list[int]


@dataclass(frozen=True)
class WeeklyProgress:
    """Average score per ISO week (2026-W37): weeks and scores in step."""

    weeks: list[str]
    average_scores: list[float]


@dataclass(frozen=True)
class CourseFigures:
    """One course's figures in the caller's scope; rates are fractions (0.25 is a quarter)."""

    course_id: str
    course_name: str
    average_score: float | None
    completion_rate: float
    dropout_rate: float
    num_students: int


@dataclass(frozen=True)
class CourseList:
    """Courses with their figures, ranked as the field says."""

    courses: list[CourseFigures]


@dataclass(frozen=True)
class ScorePoint:
    """A student's average score on one day."""

    date: str
    score: float


@dataclass(frozen=True)
class ActivityPoint:
    """A student's learning activities on one day."""

    date: str
    activity_count: int


@dataclass(frozen=True)
class CourseProgress:
    """A student's progress through one course, in percent."""

    course_id: str
    course_name: str
    progress: float


@dataclass(frozen=True)
class StudentProfile:
    """One student's learning record: scores, hours, progress, daily history and courses."""

    student_id: int
    name: str
    average_score: float | None
    hours_watched: float
    progress: float
    score_history: list[ScorePoint]
    activity_history: list[ActivityPoint]
    last_active: datetime | None
    courses_enrolled: list[CourseProgress]


@dataclass(frozen=True)
class SubjectActivity:
    """A subject's active students this week and their average score."""

    subject: str
    students_active: int
    average_score: float | None


@dataclass(frozen=True)
class SchoolAnalytics:
    """A school's KPIs: its students, teachers, engagement and lessons completed."""

    school_id: int
    school_name: str
    total_students: int
    total_teachers: int
    average_engagement: int
    lessons_completed_today: int
    lessons_completed_week: int
    top_subjects: list[SubjectActivity]


# Not frozen, unlike the others: Strawberry makes a dataclass of each registered class again,
# unfrozen, which a subclass of a frozen dataclass may not be.
@dataclass
class AreaFigures:
    """Figures of an area (a country or a school); rates are fractions (0.25 is a quarter)."""

    total_students: int
    active_students: int
    average_score: float | None
    completion_rate: float


@dataclass
class CountryFigures(AreaFigures):
    """A country's figures."""

    country: str


@dataclass
class SchoolFigures(AreaFigures):
    """A school's figures."""

    school_id: int
    school_name: str


@dataclass(frozen=True)
class NationalAnalytics:
    """National analytics per country and per school, super admins only."""

    countries: list[CountryFigures]
    schools: list[SchoolFigures]


@dataclass(frozen=True)
class Filters:
    """What a caller may narrow the figures to; applied within their own scope."""

    course_id: str | None = None
    school_id: int | None = None


async def _scope(context: Context, filters: Filters) -> metrics.Scope:
    return await scope_of(context, filters.course_id, filters.school_id)


async def _per_period(
    context: Context,
    filters: Filters,
    start_date: date | None,
    end_date: date | None,
    compute: Callable[[Any, metrics.Scope, date | None, date | None], list[tuple[str, Any]]],
) -> tuple[list[str], list[Any]]:
    scope = await _scope(context, filters)
    check_range(start_date, end_date)
    rows = await figure(
        context,
        scope.key,
        (compute.__name__, start_date, end_date),
        lambda c: compute(c, scope, start_date, end_date),
    )
    return [period for period, _ in rows], [value for _, value in rows]


async def score_trend(
    context: Context, filters: Filters, start_date: date | None, end_date: date | None
) -> ScoreTrend:
    dates, scores = await _per_period(context, filters, start_date, end_date, metrics.score_trend)
    return ScoreTrend(dates=dates, scores=scores)


async def activity_trend(
    context: Context, filters: Filters, start_date: date | None, end_date: date | None
) -> ActivityTrend:
    dates, counts = await _per_period(
        context, filters, start_date, end_date, metrics.activity_trend
    )
    return ActivityTrend(dates=dates, activity=counts)


async def weekly_progress(
    context: Context, filters: Filters, start_date: date | None, end_date: date | None
) -> WeeklyProgress:
    weeks, scores = await _per_period(
        context, filters, start_date, end_date, metrics.weekly_progress
    )
    return WeeklyProgress(weeks=weeks, average_scores=scores)


async def courses(context: Context, filters: Filters) -> list[CourseFigures]:
    """The course figures, built once per snapshot and scope (the cache holds the objects)."""
    scope = await _scope(context, filters)
    return await figure(
        context,
        scope.key,
        "course_figures",
        lambda c: [
            CourseFigures(**row) for row in metrics.course_figures(c, scope, windows(context))
        ],
    )


async def course_list(context: Context, filters: Filters) -> CourseList:
    return CourseList(courses=await courses(context, filters))


async def ranked_courses(
    context: Context, filters: Filters, limit: int, hardest: bool
) -> CourseList:
    check_limit(limit)
    rows = await courses(context, filters)
    if hardest:
        scored = [c for c in rows if c.average_score is not None]
        ranked = sorted(scored, key=lambda c: (c.average_score, c.course_id))
    else:
        ranked = sorted(rows, key=lambda c: (-c.completion_rate, c.course_id))
    return CourseList(courses=ranked[:limit])


def _profile(row: dict[str, Any] | None) -> StudentProfile | None:
    if row is None:
        return None
    return StudentProfile(
        **{
            **row,
            "score_history": [ScorePoint(**p) for p in row["score_history"]],
            "activity_history": [ActivityPoint(**p) for p in row["activity_history"]],
            "courses_enrolled": [CourseProgress(**c) for c in row["courses_enrolled"]],
            "last_active": row["last_active"].replace(tzinfo=UTC) if row["last_active"] else None,
        }
    )


async def student_profile(context: Context, student_id: int) -> StudentProfile:
    on_platform = await check_profile_access(context, student_id)
    # Built in the worker thread and cached as the finished object.
    profile = await figure(
        context,
        f"student:{student_id}",
        "student_profile",
        lambda c: _profile(metrics.student_profile(c, student_id)),
    )
    if profile is None and not on_platform:
        raise student_missing(student_id)
    if profile is None:  # known to the platform, not yet in the warehouse
        raise WarehouseNotLoaded("This student has no analytics yet: run a data refresh")
    return profile


async def school_analytics(context: Context, school_id: int) -> SchoolAnalytics:
    name, teachers = await school_context(context, school_id)
    row = await figure(
        context,
        f"school:{school_id}",
        "school_figures",
        lambda c: metrics.school_figures(c, school_id, windows(context)),
    )
    return SchoolAnalytics(
        school_id=school_id,
        school_name=name,
        total_teachers=teachers,
        **{**row, "top_subjects": [SubjectActivity(**subject) for subject in row["top_subjects"]]},
    )


async def national_analytics(context: Context) -> NationalAnalytics:
    names = await school_names(context)
    countries = await figure(
        context,
        "national",
        "countries",
        lambda c: metrics.breakdown(c, "country", windows(context)),
    )
    schools = await figure(
        context, "national", "schools", lambda c: metrics.breakdown(c, "school", windows(context))
    )
    return NationalAnalytics(
        countries=[CountryFigures(**row) for row in countries],
        schools=[  # the cached rows are shared: read them, never pop from them
            SchoolFigures(
                school_id=row["school"],
                school_name=names.get(row["school"], ""),
                **{k: v for k, v in row.items() if k != "school"},
            )
            for row in schools
        ],
    )


# The scope's single figures, by field: each reads the snapshot with the scope and the
# activity windows (docs/analytics.md).
SINGLE_FIGURES: dict[str, Callable[[Any, metrics.Scope, metrics.Windows], Any]] = {
    "average_score": lambda c, scope, _: metrics.average_score(c, scope),
    "completion_rate": lambda c, scope, _: metrics.completion_rate(c, scope),
    "dropout_rate": metrics.dropout_rate,
    "total_students": lambda c, scope, _: metrics.total_students(c, scope),
    "active_students": metrics.active_students,
}


async def single_figure(context: Context, scope: metrics.Scope, name: str) -> Any:
    """One of SINGLE_FIGURES of the scope, computed once per snapshot."""
    compute, periods = SINGLE_FIGURES[name], windows(context)
    return await figure(context, scope.key, name, lambda c: compute(c, scope, periods))
