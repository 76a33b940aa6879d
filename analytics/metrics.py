"""The figures of the LearnLoom analytics API, computed on a warehouse snapshot as
docs/analytics.md defines them, restricted to a scope (everything, one school, some classrooms)
and narrowed by the filters a caller asks for (one course, one school).

The figures read the aggregates of analytics/star.py: `enrollment_facts` (one row per
enrollment, with its last activity and score sum/count) and `daily_facts` (per classroom,
school, course and day). Activities and scores count when they belong to an enrollment in
scope (same student and course); `as_of` is the latest activity of the snapshot."""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb

AS_OF = "(SELECT as_of FROM meta)"


@dataclass(frozen=True)
class Scope:
    school_id: int | None = None  # a school admin's school
    classroom_ids: tuple[int, ...] | None = None  # a teacher's classrooms
    course_id: str | None = None  # filters: they narrow the scope, never widen it
    school_filter: int | None = None

    def narrowed(self, course_id: str | None, school_id: int | None) -> "Scope":
        return replace(self, course_id=course_id, school_filter=school_id)

    def where(self) -> tuple[str, list[Any]]:
        conditions: list[str] = ["TRUE"]
        parameters: list[Any] = []
        if self.classroom_ids is not None:
            if not self.classroom_ids:
                return "FALSE", []
            conditions.append(f"classroom_id IN ({', '.join('?' * len(self.classroom_ids))})")
            parameters.extend(self.classroom_ids)
        for column, value in (
            ("school_id", self.school_id),
            ("school_id", self.school_filter),
            ("course_id", self.course_id),
        ):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        return " AND ".join(conditions), parameters

    @property
    def key(self) -> str:
        parts = []
        if self.classroom_ids is not None:
            parts.append("classrooms:" + ",".join(map(str, self.classroom_ids)))
        if self.school_id is not None:
            parts.append(f"school:{self.school_id}")
        if self.school_filter is not None:
            parts.append(f"only-school:{self.school_filter}")
        if self.course_id is not None:
            parts.append(f"only-course:{self.course_id}")
        return "|".join(parts) or "all"


@dataclass(frozen=True)
class Windows:
    active_days: int = 7
    dropout_days: int = 30


def _facts(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, select: str, extra: list[Any] | None = None
) -> Any:
    """One value from `select`, which reads `f`: the enrollment facts in scope."""
    condition, parameters = scope.where()
    row = cursor.execute(
        f"WITH f AS (SELECT * FROM enrollment_facts WHERE {condition}) {select}",
        parameters + (extra or []),
    ).fetchone()
    return row[0] if row else None


def total_students(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    return int(_facts(cursor, scope, "SELECT count(DISTINCT student_id) FROM f") or 0)


ACTIVE = f"last_activity > {AS_OF} - to_days(?)"
# Withdrawn, or not completed and idle in that course for the dropout window.
DROPPED = f"status = 'withdrawn' OR (status <> 'completed' AND coalesce(NOT (last_activity > {AS_OF} - to_days(?)), true))"


def active_students(cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows) -> int:
    return int(
        _facts(
            cursor,
            scope,
            f"SELECT count(DISTINCT student_id) FROM f WHERE {ACTIVE}",
            [windows.active_days],
        )
        or 0
    )


def average_score(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> float | None:
    value = _facts(
        cursor, scope, "SELECT round(sum(score_sum) / nullif(sum(score_count), 0), 1) FROM f"
    )
    return None if value is None else float(value)


def completion_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    # Rounded by DuckDB, as every rate is, so the same figure reads the same everywhere.
    value = _facts(
        cursor,
        scope,
        "SELECT round(avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END), 4) FROM f",
    )
    return float(value) if value is not None else 0.0


def dropout_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows) -> float:
    value = _facts(
        cursor,
        scope,
        f"SELECT round(avg(CASE WHEN {DROPPED} THEN 1.0 ELSE 0.0 END), 4) FROM f",
        [windows.dropout_days],
    )
    return float(value) if value is not None else 0.0


DAY, ISO_WEEK = "%Y-%m-%d", "%G-W%V"
MEAN_SCORE = "round(sum(score_sum) / sum(score_count), 1)"


def _per_period(
    cursor: duckdb.DuckDBPyConnection,
    scope: Scope,
    value: str,
    counted: str,
    period: str,
    start: date | None,
    end: date | None,
) -> list[tuple[str, Any]]:
    """`value` per day or ISO week from the daily facts in scope, leaving out periods where
    `counted` (scores or activities) adds up to nothing."""
    condition, parameters = scope.where()
    return cursor.execute(
        f"""
        SELECT strftime(day, '{period}') AS period, {value}
        FROM daily_facts WHERE {condition} AND (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?)
        GROUP BY period HAVING sum({counted}) > 0 ORDER BY period
    """,
        [*parameters, start, start, end, end],
    ).fetchall()


def score_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    rows = _per_period(cursor, scope, MEAN_SCORE, "score_count", DAY, start, end)
    return [(day, float(score)) for day, score in rows]


def activity_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, int]]:
    rows = _per_period(cursor, scope, "sum(activities)", "activities", DAY, start, end)
    return [(day, int(count)) for day, count in rows]


def weekly_progress(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    rows = _per_period(cursor, scope, MEAN_SCORE, "score_count", ISO_WEEK, start, end)
    return [(week, float(score)) for week, score in rows]


def course_figures(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows
) -> list[dict[str, Any]]:
    """Each course in scope with the summary figures restricted to it, by course_id."""
    condition, parameters = scope.where()
    rows = cursor.execute(
        f"""
        SELECT f.course_id, c.course_name,
               round(sum(f.score_sum) / nullif(sum(f.score_count), 0), 1),
               round(avg(CASE WHEN f.status = 'completed' THEN 1.0 ELSE 0.0 END), 4),
               round(avg(CASE WHEN {DROPPED} THEN 1.0 ELSE 0.0 END), 4),
               count(*)
        FROM (SELECT * FROM enrollment_facts WHERE {condition}) f JOIN courses c USING (course_id)
        GROUP BY f.course_id, c.course_name ORDER BY f.course_id
    """,
        [windows.dropout_days, *parameters],
    ).fetchall()
    return [
        {
            "course_id": r[0],
            "course_name": r[1],
            "average_score": None if r[2] is None else float(r[2]),
            "completion_rate": float(r[3]),
            "dropout_rate": float(r[4]),
            "num_students": int(r[5]),
        }
        for r in rows
    ]


def student_profile(cursor: duckdb.DuckDBPyConnection, student_id: int) -> dict[str, Any] | None:
    """Everything the warehouse has of one student, from the per-student daily facts."""
    student = cursor.execute(
        "SELECT name FROM students WHERE student_id = ?", [student_id]
    ).fetchone()
    if student is None:
        return None
    days = cursor.execute(
        """
        SELECT strftime(day, '%Y-%m-%d'), activities, minutes, score_sum, score_count, last_at
        FROM student_daily WHERE student_id = ? ORDER BY day
    """,
        [student_id],
    ).fetchall()
    courses = cursor.execute(
        """
        SELECT e.course_id, c.course_name, e.completed_lessons, c.lessons
        FROM enrollments e JOIN courses c USING (course_id) WHERE e.student_id = ? ORDER BY e.course_id
    """,
        [student_id],
    ).fetchall()
    score_sum = sum(d[3] for d in days)
    score_count = sum(d[4] for d in days)
    done, total = sum(c[2] for c in courses), sum(c[3] for c in courses)
    return {
        "student_id": student_id,
        "name": student[0],
        "average_score": round(score_sum / score_count, 1) if score_count else None,
        "hours_watched": round(sum(d[2] for d in days) / 60, 1),
        "progress": round(done / total, 4) if total else 0.0,
        "score_history": [{"date": d[0], "score": round(d[3] / d[4], 1)} for d in days if d[4]],
        "activity_history": [{"date": d[0], "activity_count": int(d[1])} for d in days if d[1]],
        "last_active": max((d[5] for d in days if d[5] is not None), default=None),
        "courses_enrolled": [
            {
                "course_id": c[0],
                "course_name": c[1],
                "progress": round(c[2] / c[3], 4) if c[3] else 0.0,
            }
            for c in courses
        ],
    }


def school_figures(
    cursor: duckdb.DuckDBPyConnection, school_id: int, windows: Windows
) -> dict[str, Any]:
    """One school's KPIs (docs/analytics.md, School KPIs). Engagement is the share of the school's
    students active in the active window, in percent; "today" is the day of as_of and
    "this week" the seven days ending with it."""
    scope = Scope(school_id=school_id)
    condition, parameters = scope.where()
    students, active = cursor.execute(
        f"""
        SELECT count(DISTINCT student_id), count(DISTINCT student_id) FILTER ({ACTIVE})
        FROM enrollment_facts WHERE {condition}
    """,
        [windows.active_days, *parameters],
    ).fetchone()  # type: ignore[misc]
    today, week = cursor.execute(
        f"""
        SELECT coalesce(sum(completed) FILTER (day = CAST({AS_OF} AS DATE)), 0),
               coalesce(sum(completed) FILTER (day > CAST({AS_OF} AS DATE) - 7), 0)
        FROM daily_facts WHERE {condition}
    """,
        parameters,
    ).fetchone()  # type: ignore[misc]
    subjects = cursor.execute(
        f"""
        SELECT c.subject_name, count(DISTINCT f.student_id) FILTER ({ACTIVE}) AS active,
               round(sum(f.score_sum) / nullif(sum(f.score_count), 0), 1)
        FROM (SELECT * FROM enrollment_facts WHERE {condition}) f JOIN courses c USING (course_id)
        GROUP BY c.subject_name HAVING active > 0 ORDER BY active DESC, c.subject_name LIMIT 5
    """,
        [windows.active_days, *parameters],
    ).fetchall()
    return {
        "total_students": int(students),
        "average_engagement": round(100 * active / students) if students else 0,
        "lessons_completed_today": int(today),
        "lessons_completed_week": int(week),
        "top_subjects": [
            {
                "subject": name,
                "students_active": int(count),
                "average_score": None if avg is None else float(avg),
            }
            for name, count, avg in subjects
        ],
    }


def breakdown(cursor: duckdb.DuckDBPyConnection, by: str, windows: Windows) -> list[dict[str, Any]]:
    """The national view: the summary figures per country or per school, in one grouped query."""
    group = {"country": "st.country", "school": "f.school_id"}[by]
    rows = cursor.execute(
        f"""
        SELECT {group} AS grp, count(DISTINCT f.student_id),
               count(DISTINCT f.student_id) FILTER ({ACTIVE}),
               round(sum(f.score_sum) / nullif(sum(f.score_count), 0), 1),
               round(avg(CASE WHEN f.status = 'completed' THEN 1.0 ELSE 0.0 END), 4)
        FROM enrollment_facts f JOIN students st USING (student_id)
        WHERE {group} IS NOT NULL GROUP BY grp ORDER BY grp
    """,
        [windows.active_days],
    ).fetchall()
    return [
        {
            by: grp,
            "total_students": int(total),
            "active_students": int(active),
            "average_score": None if average is None else float(average),
            "completion_rate": float(rate),
        }
        for grp, total, active, average, rate in rows
    ]
