"""Enrollments as they stood at a point in time: the rows the completion models learn from and
are applied to (docs/analytics.md, "Early warning").

A model that learns from end-of-enrollment figures learns the outcome: on a finished
enrollment, the share of its lessons completed *is* completion. So the models learn from
finished enrollments seen at horizons — after weeks 1, 2, 4, 8 and 12, and at a quarter, half
and three quarters of the course's length — with every feature computed from the activities
and scores before that moment only (the student's other courses included: what they studied
and how they scored anywhere), and they are applied to ongoing enrollments as they stand at `as_of`.

- The clock of an enrollment starts when it does, or when its course starts if it enrolled
  earlier (OULAD students register before the presentation opens).
- A course's length is its own where the source knows it (an OULAD presentation's days),
  otherwise the median time its completers took to finish, otherwise that of all courses.
- A finished enrollment is completed, withdrawn, failed, or dropped (not completed and idle
  for the dropout window up to `as_of`). It is seen at a horizon that has passed by `as_of`,
  and a completed one only before it completed: a teacher never sees a finished student
  on the list of those to help."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import duckdb

WEEK = 7
# A course's length when no course has a completer to measure it by (a school term).
DEFAULT_LENGTH_DAYS = 84
RECENT_DAYS = 28  # the window of "recent scores"


@dataclass(frozen=True)
class Horizon:
    """A point in an enrollment: `days` after its clock starts, or `share` of its course."""

    name: str
    days: int | None = None
    share: float | None = None


HORIZONS = (
    Horizon("week 1", days=1 * WEEK),
    Horizon("week 2", days=2 * WEEK),
    Horizon("week 4", days=4 * WEEK),
    Horizon("week 8", days=8 * WEEK),
    Horizon("week 12", days=12 * WEEK),
    Horizon("25% of course", share=0.25),
    Horizon("50% of course", share=0.5),
    Horizon("75% of course", share=0.75),
)
GATE = "week 2"  # the horizon whose held-out AUC decides whether a model is published
NOW = "now"  # the horizon name of an ongoing enrollment seen at `as_of`


class PointInTime(NamedTuple):
    """One enrollment at one moment, named, so no module depends on positions."""

    student_id: int
    course_id: str
    horizon: str
    cutoff: datetime
    completed: int  # the eventual outcome (training rows); 0 for ongoing ones
    hours_watched: float
    average_score: float | None
    activity_level: float  # activities per week since the clock started
    days_idle: float  # since the last activity before the cutoff, or since the start
    lesson_pace: float | None  # share of lessons completed ÷ share of the course elapsed
    score_trend: float | None  # mean of the last four weeks' scores minus the mean so far
    weeks_elapsed: float
    # Hours in all the student's courses in the last four weeks: how much they study at
    # all lately, which one enrollment's first weeks show only a little of.
    recent_hours_everywhere: float
    # Lessons completed in all the student's courses in the last four weeks, and the mean of
    # every score they had in any course so far: the same early view of the whole student.
    recent_lessons_everywhere: int
    average_score_everywhere: float | None
    last_activity: datetime | None


# {enrollments}: student_id, course_id, clock, completed, horizon, cutoff. The features count
# what happened before the cutoff only.
_FEATURES = """
    WITH points AS ({points}),
    acts AS (
        SELECT p.student_id, p.course_id, p.horizon, count(a.activity_id) AS activities,
               coalesce(sum(a.minutes), 0) AS minutes, count(*) FILTER (WHERE a.completed) AS done,
               max(a.occurred_at) AS last_activity
        FROM points p LEFT JOIN activities a
             ON a.student_id = p.student_id AND a.course_id = p.course_id AND a.occurred_at <= p.cutoff
        GROUP BY ALL),
    everywhere AS (
        SELECT p.student_id, p.course_id, p.horizon, coalesce(sum(a.minutes), 0) AS minutes,
               count(*) FILTER (WHERE a.completed) AS done
        FROM points p LEFT JOIN activities a
             ON a.student_id = p.student_id AND a.occurred_at <= p.cutoff
                AND a.occurred_at > p.cutoff - INTERVAL {recent} DAY
        GROUP BY ALL),
    marks_everywhere AS (
        SELECT p.student_id, p.course_id, p.horizon, avg(s.score) AS average_score
        FROM points p JOIN scores s ON s.student_id = p.student_id AND s.occurred_at <= p.cutoff
        GROUP BY ALL),
    marks AS (
        SELECT p.student_id, p.course_id, p.horizon, avg(s.score) AS average_score,
               avg(s.score) FILTER (WHERE s.occurred_at > p.cutoff - INTERVAL {recent} DAY) AS recent_score
        FROM points p JOIN scores s
             ON s.student_id = p.student_id AND s.course_id = p.course_id AND s.occurred_at <= p.cutoff
        GROUP BY ALL)
    SELECT p.student_id, p.course_id, p.horizon, p.cutoff, p.completed,
           round(a.minutes / 60.0, 6) AS hours_watched,
           round(m.average_score, 6) AS average_score,
           a.activities / greatest(1.0, date_diff('second', p.clock, p.cutoff) / 86400.0 / {week})
               AS activity_level,
           date_diff('second', coalesce(a.last_activity, p.clock), p.cutoff) / 86400.0 AS days_idle,
           (least(a.done, p.lessons) / nullif(p.lessons, 0))
               / greatest(1.0 / p.length_days,
                          least(1.0, date_diff('second', p.clock, p.cutoff) / 86400.0 / p.length_days))
               AS lesson_pace,
           round(m.recent_score - m.average_score, 6) AS score_trend,
           date_diff('second', p.clock, p.cutoff) / 86400.0 / {week} AS weeks_elapsed,
           round(w.minutes / 60.0, 6) AS recent_hours_everywhere,
           w.done AS recent_lessons_everywhere,
           round(me.average_score, 6) AS average_score_everywhere,
           a.last_activity
    FROM points p JOIN acts a USING (student_id, course_id, horizon)
         JOIN everywhere w USING (student_id, course_id, horizon)
         LEFT JOIN marks m USING (student_id, course_id, horizon)
         LEFT JOIN marks_everywhere me USING (student_id, course_id, horizon)
    ORDER BY p.student_id, p.course_id, p.horizon
"""

# Each enrollment with its clock, end (last activity), course length and status.
_ENROLLMENTS = """
    WITH ends AS (
        SELECT student_id, course_id, max(occurred_at) AS ends FROM activities GROUP BY ALL),
    base AS (
        SELECT e.student_id, e.course_id, e.status, e.classroom_id, e.school_id, c.lessons,
               c.length_days AS known_length,
               coalesce(greatest(e.enrolled_at, c.starts_at), e.enrolled_at, c.starts_at, n.ends) AS clock,
               n.ends
        FROM enrollments e JOIN courses c USING (course_id) LEFT JOIN ends n USING (student_id, course_id)),
    taken AS (
        SELECT course_id, median(date_diff('second', clock, ends) / 86400.0) AS days
        FROM base WHERE status = 'completed' AND ends > clock GROUP BY course_id),
    overall AS (SELECT median(days) AS days FROM taken)
    SELECT b.*, greatest(1.0, coalesce(b.known_length, t.days, (SELECT days FROM overall), {default}))
               AS length_days
    FROM base b LEFT JOIN taken t USING (course_id)
    WHERE b.clock IS NOT NULL
"""


def _finished(dropout_days: int) -> str:
    return f"""
        status IN ('completed', 'withdrawn', 'failed')
        OR (status <> 'completed' AND (ends IS NULL OR ends <= (SELECT as_of FROM meta) - INTERVAL {int(dropout_days)} DAY))
    """


def _horizon_values(horizons: Sequence[Horizon]) -> str:
    return ", ".join(
        f"('{h.name}', {'NULL' if h.days is None else h.days}, {'NULL' if h.share is None else h.share})"
        for h in horizons
    )


def training_rows(
    cursor: duckdb.DuckDBPyConnection,
    dropout_days: int = 30,
    horizons: Sequence[Horizon] = HORIZONS,
) -> list[PointInTime]:
    """Every finished enrollment at every horizon it was still ongoing at."""
    points = f"""
        SELECT e.student_id, e.course_id, e.clock, e.lessons, e.length_days,
               CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END AS completed, h.name AS horizon,
               e.clock + to_microseconds(CAST(coalesce(h.days * 86400.0, h.share * e.length_days * 86400.0) * 1e6 AS BIGINT))
                   AS cutoff, e.ends
        FROM ({_ENROLLMENTS.format(default=DEFAULT_LENGTH_DAYS)}) e
             CROSS JOIN (VALUES {_horizon_values(horizons)}) h(name, days, share)
        WHERE {_finished(dropout_days)}
    """
    kept = f"""
        SELECT * FROM ({points})
        WHERE cutoff <= (SELECT as_of FROM meta) AND (completed = 0 OR cutoff < ends)
    """
    return _rows(cursor, kept, [])


def ongoing_rows(
    cursor: duckdb.DuckDBPyConnection, where: str = "TRUE", parameters: list[Any] | None = None
) -> list[PointInTime]:
    """The active enrollments matching `where` (on the enrollment's `student_id`,
    `course_id`, `classroom_id`, `school_id`) as they stand at `as_of`."""
    points = f"""
        SELECT e.student_id, e.course_id, e.clock, e.lessons, e.length_days, 0 AS completed,
               '{NOW}' AS horizon, greatest(e.clock, (SELECT as_of FROM meta)) AS cutoff, e.ends
        FROM ({_ENROLLMENTS.format(default=DEFAULT_LENGTH_DAYS)}) e
        WHERE e.status = 'active' AND ({where})
    """
    return _rows(cursor, points, parameters or [])


def _rows(
    cursor: duckdb.DuckDBPyConnection, points: str, parameters: list[Any]
) -> list[PointInTime]:
    sql = _FEATURES.format(points=points, recent=RECENT_DAYS, week=WEEK)
    return [PointInTime(*row) for row in cursor.execute(sql, parameters).fetchall()]
