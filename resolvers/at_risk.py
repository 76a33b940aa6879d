"""Students least likely to complete their courses, for the staff who can help them: a
teacher's classes, a school admin's school, everything for a super admin. Each comes with
the reasons, the features that pulled the model's likelihood down."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from anyio import to_thread

from analytics import completion
from analytics.metrics import Scope
from learnloom.errors import NotFound
from models.classrooms import Classroom
from resolvers.analytics import check_limit, read, scope_of
from resolvers.context import Context
from resolvers.prediction import ModelNotTrained


@dataclass(frozen=True)
class AtRisk:
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


def _reason(feature: str, value: float) -> str:
    unknown = math.isnan(value)
    if feature == "hours_watched":
        return f"little time in lessons ({value:.1f} h)"
    if feature == "average_score":
        return "no scores yet" if unknown else f"low scores (average {value:.0f})"
    if feature == "activity_level":
        return f"rarely active ({value:.1f} activities a week)"
    if feature == "days_idle":
        return f"no activity for {value:.0f} days"
    if feature == "share_completed":
        return "no lessons to complete" if unknown else f"few lessons completed ({value:.0%})"
    return "no recent scores" if unknown else f"recent scores below their average ({value:+.0f})"


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


def _ongoing(cursor: Any, scope: Scope) -> list[tuple[Any, ...]]:
    """Features, names and course names of the unfinished enrollments in scope."""
    condition, parameters = scope.where()
    rows = completion.feature_rows(cursor, f"f.status = 'active' AND {condition}", parameters)
    names = dict(cursor.execute("SELECT student_id, name FROM students").fetchall())
    courses = dict(cursor.execute("SELECT course_id, course_name FROM courses").fetchall())
    return [(*row, names.get(row[0], ""), courses.get(row[5], row[5])) for row in rows]


async def at_risk(context: Context, class_id: int | None, limit: int) -> list[AtRisk]:
    scope = await _scope(context, class_id)  # authenticates first
    check_limit(limit)
    # The at-risk model knows more of the enrollment; before it exists, the public one.
    model = await to_thread.run_sync(context.state.risk_models.current) or await to_thread.run_sync(
        context.state.models.current
    )
    if model is None:
        raise ModelNotTrained()
    features = (
        completion.RISK
        if model.info.features == list(completion.RISK.columns)
        else completion.PUBLIC
    )
    rows = await read(context, ("at risk", scope.key), lambda c: _ongoing(c, scope))
    if not rows:
        return []
    matrix = completion.feature_matrix(rows, features)
    likelihoods, pushes = await to_thread.run_sync(model.explain, matrix)
    order = np.argsort(likelihoods, kind="stable")[:limit]
    return [_entry(rows[i], float(likelihoods[i]), pushes[i], matrix[i], features) for i in order]


def _entry(
    row: tuple[Any, ...],
    likelihood: float,
    push: np.ndarray,
    values: np.ndarray,
    features: completion.FeatureSet,
) -> AtRisk:
    student_id, hours, score, activity = row[0:4]
    course_id, last_activity, as_of, name, course = row[-5:]
    downward = [i for i in np.argsort(push) if push[i] < 0]
    idle = (as_of - last_activity).days if isinstance(last_activity, datetime) and as_of else None
    return AtRisk(
        student_id=student_id,
        name=name,
        course_id=course_id,
        course_name=course,
        completion_likelihood=round(likelihood, 4),
        hours_watched=round(float(hours), 1),
        average_score=None if score is None else round(float(score), 1),
        activity_level=round(float(activity), 2),
        days_since_last_activity=idle,
        reasons=[_reason(features.columns[i], float(values[i])) for i in downward],
    )
