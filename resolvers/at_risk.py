"""Students least likely to complete their courses, for the staff who can help them: a
teacher's classes, a school admin's school, everything for a super admin. Each comes with
the reasons, the features that pulled the model's likelihood down. Every figure is as the
enrollment stands at the warehouse's `as_of` (analytics/horizons.py), as the model learnt."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from anyio import to_thread

from analytics import completion
from analytics.horizons import PointInTime, ongoing_rows
from analytics.metrics import Scope
from ground.errors import NotFound
from models.classrooms import Classroom
from resolvers.analytics import check_limit, read, scope_of
from resolvers.context import Context
from resolvers.prediction import ModelNotTrained


@dataclass(frozen=True)
class AtRisk:
    """A student unlikely to complete a course, and why."""

    student_id: int
    name: str
    course_id: str
    course_name: str
    completion_likelihood: float
    hours_watched: float
    average_score: float | None
    activity_level: float
    days_since_last_activity: int | None
    reasons: list[str]


def _reason(feature: str, value: float) -> str | None:
    """The feature's value as a reason for concern, worded with its sign; None when the value
    could not be one (a rising score trend is never a reason for risk)."""
    unknown = math.isnan(value)
    if feature == "hours_watched":
        return f"little time in lessons ({value:.1f} h)"
    if feature == "average_score":
        return "no scores yet" if unknown else f"low scores (average {value:.0f})"
    if feature == "activity_level":
        return f"rarely active ({value:.1f} activities a week)"
    if feature == "days_idle":
        return None if unknown or value < 1 else f"no activity for {value:.0f} days"
    if feature == "lesson_pace":
        if unknown or value >= 1:
            return None
        return f"behind with lessons ({value:.0%} of the pace the course's time asks)"
    if feature == "score_trend":
        if unknown or value >= 0:
            return None
        return f"scores falling: last four weeks {-value:.0f} points below their average"
    if feature == "recent_hours_everywhere":
        if value < 0.05:
            return "no study in any course in the last four weeks"
        return f"little study in any course lately ({value:.1f} h in four weeks)"
    if feature == "recent_lessons_everywhere":
        if value == 0:
            return "no lessons completed in any course in the last four weeks"
        return f"few lessons completed in any course lately ({value:.0f} in four weeks)"
    if feature == "average_score_everywhere":
        return None if unknown else f"scores low in all their courses (average {value:.0f})"
    return None  # weeks elapsed is context, never a reason


async def _scope(context: Context, class_id: int | None) -> Scope:
    """The caller's analytics scope (resolvers.analytics.scope_of), narrowed to one class;
    a class outside it is missing."""
    scope = await scope_of(context)
    if class_id is None:
        return scope
    missing = NotFound(
        "The requested class does not exist",
        details={"id": [f"Class with ID {class_id} not found"]},
    )
    if scope.classroom_ids is not None:  # a teacher: their classes only
        if class_id not in scope.classroom_ids:
            raise missing
        return Scope(classroom_ids=(class_id,))
    async with context.state.sessions() as session:
        classroom = await session.get(Classroom, class_id)
    if classroom is None or scope.school_id not in (None, classroom.school_id):
        raise missing
    return Scope(school_id=scope.school_id, classroom_ids=(class_id,))


@dataclass(frozen=True)
class Ongoing:
    """An unfinished enrollment in scope, with the names a teacher reads."""

    features: PointInTime
    student_name: str
    course_name: str
    classroom_id: int | None


def _ongoing(cursor: Any, scope: Scope) -> list[Ongoing]:
    condition, parameters = scope.where()
    rows = ongoing_rows(cursor, condition, parameters)
    names = dict(cursor.execute("SELECT student_id, name FROM students").fetchall())
    courses = dict(cursor.execute("SELECT course_id, course_name FROM courses").fetchall())
    rooms = {
        (student, course): room
        for student, course, room in cursor.execute(
            f"SELECT student_id, course_id, classroom_id FROM enrollments WHERE {condition}",
            parameters,
        ).fetchall()
    }
    return [
        Ongoing(
            row,
            names.get(row.student_id, ""),
            courses.get(row.course_id, row.course_id),
            rooms.get((row.student_id, row.course_id)),
        )
        for row in rows
    ]


async def at_risk(context: Context, class_id: int | None, limit: int) -> list[AtRisk]:
    scope = await _scope(context, class_id)  # authenticates first
    check_limit(limit)
    scored = await _scored(context, scope)
    return [scored.entry(i) for i in scored.order[:limit]]


async def at_risk_by_class(
    context: Context, class_ids: list[int], limit: int
) -> dict[int, list[AtRisk]]:
    """Each class's list, for a screen showing several (a teacher's classes, each with its
    students to help): one warehouse read and one model call for all of them. Classes
    outside the caller's scope get an empty list."""
    scope = await scope_of(context)
    check_limit(limit)
    mine = tuple(
        sorted(c for c in set(class_ids) if scope.classroom_ids is None or c in scope.classroom_ids)
    )
    found: dict[int, list[AtRisk]] = {class_id: [] for class_id in class_ids}
    scored = await _scored(context, Scope(school_id=scope.school_id, classroom_ids=mine))
    for i in scored.order:
        room = scored.rows[i].classroom_id
        listed = found.get(room) if room is not None else None
        if listed is not None and len(listed) < limit:
            listed.append(scored.entry(i))
    return found


@dataclass(frozen=True)
class _Scored:
    """The ongoing enrollments of a scope, scored by the served model."""

    rows: list[Ongoing]
    columns: tuple[str, ...]
    matrix: np.ndarray
    likelihoods: np.ndarray
    pushes: np.ndarray

    @property
    def order(self) -> np.ndarray:
        """Least likely to complete first."""
        return np.argsort(self.likelihoods, kind="stable")

    def entry(self, i: int) -> AtRisk:
        return _entry(
            self.rows[i], float(self.likelihoods[i]), self.pushes[i], self.matrix[i], self.columns
        )


async def _scored(context: Context, scope: Scope) -> _Scored:
    # The at-risk model knows more of the enrollment; before it exists, the public one.
    model = await to_thread.run_sync(context.state.risk_models.current) or await to_thread.run_sync(
        context.state.models.current
    )
    if model is None:
        raise ModelNotTrained()
    # The columns the served model was trained on, by name: a model published before a
    # feature was added keeps reading the ones it knows.
    columns = tuple(model.info.features)
    if not set(columns) <= set(PointInTime._fields):
        raise ModelNotTrained()  # a model of features this version cannot compute
    rows = await read(context, ("at risk", scope.key), lambda c: _ongoing(c, scope))
    matrix = completion.feature_matrix([r.features for r in rows], columns)
    if not rows:
        return _Scored(rows, columns, matrix, np.zeros(0), np.zeros((0, len(columns))))
    likelihoods, pushes = await to_thread.run_sync(model.explain, matrix)
    return _Scored(rows, columns, matrix, likelihoods, pushes)


def _entry(
    ongoing: Ongoing,
    likelihood: float,
    push: np.ndarray,
    values: np.ndarray,
    columns: tuple[str, ...],
) -> AtRisk:
    row = ongoing.features
    downward = [i for i in np.argsort(push) if push[i] < 0]
    last = row.last_activity
    idle = (row.cutoff - last).days if isinstance(last, datetime) else None
    worded = (_reason(columns[i], float(values[i])) for i in downward)
    return AtRisk(
        student_id=row.student_id,
        name=ongoing.student_name,
        course_id=row.course_id,
        course_name=ongoing.course_name,
        completion_likelihood=round(likelihood, 4),
        hours_watched=round(float(row.hours_watched), 1),
        average_score=None if row.average_score is None else round(float(row.average_score), 1),
        activity_level=round(float(row.activity_level), 2),
        days_since_last_activity=idle,
        reasons=[reason for reason in worded if reason is not None],
    )
