"""The figures of the LearnLoom analytics API, computed on a warehouse snapshot as
DESIGN.md §6 defines them, restricted to a scope (everything, one school, some classrooms).

Every query starts from the enrollments in scope; activities and scores count when they
belong to such an enrollment (same student and course)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb


@dataclass(frozen=True)
class Scope:
    school_id: int | None = None  # a school admin's school
    classroom_ids: tuple[int, ...] | None = None  # a teacher's classrooms

    def where(self) -> tuple[str, list[Any]]:
        if self.classroom_ids is not None:
            if not self.classroom_ids:
                return "FALSE", []
            return f"classroom_id IN ({', '.join('?' * len(self.classroom_ids))})", list(
                self.classroom_ids
            )
        if self.school_id is not None:
            return "school_id = ?", [self.school_id]
        return "TRUE", []

    @property
    def key(self) -> str:
        if self.classroom_ids is not None:
            return "classrooms:" + ",".join(map(str, self.classroom_ids))
        return f"school:{self.school_id}" if self.school_id is not None else "all"


@dataclass(frozen=True)
class Windows:
    active_days: int = 7
    dropout_days: int = 30


def _scoped(scope: Scope) -> tuple[str, list[Any]]:
    condition, parameters = scope.where()
    return (
        f"""
        WITH e AS (SELECT * FROM enrollments WHERE {condition}),
             a AS (SELECT a.* FROM activities a JOIN (SELECT DISTINCT student_id, course_id FROM e) USING (student_id, course_id)),
             s AS (SELECT s.* FROM scores s JOIN (SELECT DISTINCT student_id, course_id FROM e) USING (student_id, course_id)),
             as_of AS (SELECT max(occurred_at) AS t FROM activities)
    """,
        parameters,
    )


def _one(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, select: str, extra: list[Any] | None = None
) -> Any:
    ctes, parameters = _scoped(scope)
    row = cursor.execute(ctes + select, parameters + (extra or [])).fetchone()
    return row[0] if row else None


def total_students(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    return int(_one(cursor, scope, "SELECT count(DISTINCT student_id) FROM e") or 0)


def active_students(cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows) -> int:
    return int(
        _one(
            cursor,
            scope,
            "SELECT count(DISTINCT student_id) FROM a, as_of WHERE occurred_at > as_of.t - to_days(?)",
            [windows.active_days],
        )
        or 0
    )


def average_score(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> float | None:
    value = _one(cursor, scope, "SELECT round(avg(score), 1) FROM s")
    return None if value is None else float(value)


def completion_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    # Rounded by DuckDB, as every rate is, so the same figure reads the same everywhere.
    value = _one(
        cursor,
        scope,
        "SELECT round(avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END), 4) FROM e",
    )
    return float(value) if value is not None else 0.0


def dropout_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows) -> float:
    value = _one(
        cursor,
        scope,
        """
        SELECT round(avg(CASE WHEN e.status = 'withdrawn' THEN 1.0
                        WHEN e.status <> 'completed' AND recent.student_id IS NULL THEN 1.0
                        ELSE 0.0 END), 4)
        FROM e LEFT JOIN (
            SELECT DISTINCT student_id, course_id FROM a, as_of WHERE occurred_at > as_of.t - to_days(?)
        ) recent USING (student_id, course_id)
    """,
        [windows.dropout_days],
    )
    return float(value) if value is not None else 0.0


DAY, ISO_WEEK = "%Y-%m-%d", "%G-W%V"


def _per_period(
    cursor: duckdb.DuckDBPyConnection,
    scope: Scope,
    source: str,
    value: str,
    period: str,
    start: date | None,
    end: date | None,
) -> list[tuple[str, Any]]:
    """`value` aggregated per day or ISO week over `source` (s: scores, a: activities)."""
    ctes, parameters = _scoped(scope)
    return cursor.execute(
        ctes
        + f"""
        SELECT strftime(CAST(occurred_at AS DATE), '{period}') AS period, {value}
        FROM {source} WHERE (? IS NULL OR CAST(occurred_at AS DATE) >= ?) AND (? IS NULL OR CAST(occurred_at AS DATE) <= ?)
        GROUP BY period ORDER BY period
    """,
        [*parameters, start, start, end, end],
    ).fetchall()


def score_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    rows = _per_period(cursor, scope, "s", "round(avg(score), 1)", DAY, start, end)
    return [(day, float(score)) for day, score in rows]


def activity_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, int]]:
    rows = _per_period(cursor, scope, "a", "count(*)", DAY, start, end)
    return [(day, int(count)) for day, count in rows]


def weekly_progress(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    rows = _per_period(cursor, scope, "s", "round(avg(score), 1)", ISO_WEEK, start, end)
    return [(week, float(score)) for week, score in rows]


def course_figures(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows
) -> list[dict[str, Any]]:
    """Each course in scope with the summary figures restricted to it, by course_id."""
    ctes, parameters = _scoped(scope)
    rows = cursor.execute(
        ctes
        + """,
        recent AS (SELECT DISTINCT student_id, course_id FROM a, as_of WHERE occurred_at > as_of.t - to_days(?)),
        per_course AS (
            SELECT e.course_id, count(*) AS enrollments,
                   avg(CASE WHEN e.status = 'completed' THEN 1.0 ELSE 0.0 END) AS completion_rate,
                   avg(CASE WHEN e.status = 'withdrawn' THEN 1.0
                            WHEN e.status <> 'completed' AND recent.student_id IS NULL THEN 1.0 ELSE 0.0 END) AS dropout_rate
            FROM e LEFT JOIN recent USING (student_id, course_id) GROUP BY e.course_id),
        course_scores AS (SELECT course_id, avg(score) AS average_score FROM s GROUP BY course_id)
        SELECT p.course_id, c.course_name, round(cs.average_score, 1), round(p.completion_rate, 4),
               round(p.dropout_rate, 4), p.enrollments
        FROM per_course p JOIN courses c USING (course_id) LEFT JOIN course_scores cs USING (course_id)
        ORDER BY p.course_id
    """,
        [*parameters, windows.dropout_days],
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


def top_courses(courses: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    ranked = sorted(courses, key=lambda c: (-c["completion_rate"], c["course_id"]))
    return ranked[:limit]


def hardest_courses(courses: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    scored = [c for c in courses if c["average_score"] is not None]
    return sorted(scored, key=lambda c: (c["average_score"], c["course_id"]))[:limit]


def student_profile(cursor: duckdb.DuckDBPyConnection, student_id: int) -> dict[str, Any] | None:
    student = cursor.execute(
        "SELECT name FROM students WHERE student_id = ?", [student_id]
    ).fetchone()
    if student is None:
        return None
    average, minutes, last_active = cursor.execute(
        """
        SELECT (SELECT round(avg(score), 1) FROM scores WHERE student_id = $1),
               (SELECT sum(minutes) FROM activities WHERE student_id = $1),
               (SELECT max(occurred_at) FROM activities WHERE student_id = $1)
    """,
        [student_id],
    ).fetchone()  # type: ignore[misc]
    courses = cursor.execute(
        """
        SELECT e.course_id, c.course_name, e.completed_lessons, c.lessons
        FROM enrollments e JOIN courses c USING (course_id) WHERE e.student_id = ? ORDER BY e.course_id
    """,
        [student_id],
    ).fetchall()
    scores = cursor.execute(
        """
        SELECT strftime(CAST(occurred_at AS DATE), '%Y-%m-%d') AS day, round(avg(score), 1)
        FROM scores WHERE student_id = ? GROUP BY day ORDER BY day
    """,
        [student_id],
    ).fetchall()
    activity = cursor.execute(
        """
        SELECT strftime(CAST(occurred_at AS DATE), '%Y-%m-%d') AS day, count(*)
        FROM activities WHERE student_id = ? GROUP BY day ORDER BY day
    """,
        [student_id],
    ).fetchall()
    done, total = sum(c[2] for c in courses), sum(c[3] for c in courses)
    return {
        "student_id": student_id,
        "name": student[0],
        "average_score": None if average is None else float(average),
        "hours_watched": round(float(minutes or 0) / 60, 1),
        "progress": round(done / total, 4) if total else 0.0,
        "score_history": [{"date": day, "score": float(score)} for day, score in scores],
        "activity_history": [
            {"date": day, "activity_count": int(count)} for day, count in activity
        ],
        "last_active": last_active,
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
    """grio-api-v1.txt §8.2 for one school. Engagement is the share of the school's
    students active in the active window, in percent; "today" and "this week" end at as_of."""
    scope = Scope(school_id=school_id)
    ctes, parameters = _scoped(scope)
    students, active, today, week = cursor.execute(
        ctes
        + """
        SELECT (SELECT count(DISTINCT student_id) FROM e),
               (SELECT count(DISTINCT student_id) FROM a, as_of WHERE occurred_at > as_of.t - to_days(?)),
               (SELECT count(*) FROM a, as_of WHERE completed AND CAST(occurred_at AS DATE) = CAST(as_of.t AS DATE)),
               (SELECT count(*) FROM a, as_of WHERE completed AND occurred_at > as_of.t - to_days(7))
    """,
        [*parameters, windows.active_days],
    ).fetchone()  # type: ignore[misc]
    subjects = cursor.execute(
        ctes
        + """
        SELECT c.subject_name, count(DISTINCT a.student_id) AS active,
               (SELECT round(avg(score), 1) FROM s JOIN courses c2 USING (course_id) WHERE c2.subject_name = c.subject_name)
        FROM a JOIN courses c USING (course_id), as_of
        WHERE a.occurred_at > as_of.t - to_days(?)
        GROUP BY c.subject_name ORDER BY active DESC, c.subject_name LIMIT 5
    """,
        [*parameters, windows.active_days],
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
    """§8.3: the summary figures per country or per school, in one grouped query."""
    group = {"country": "st.country", "school": "e.school_id"}[by]
    rows = cursor.execute(
        f"""
        WITH as_of AS (SELECT max(occurred_at) AS t FROM activities),
        e AS (SELECT e.*, {group} AS grp FROM enrollments e JOIN students st USING (student_id) WHERE {group} IS NOT NULL),
        active AS (SELECT DISTINCT e.grp, a.student_id FROM activities a JOIN e USING (student_id, course_id), as_of
                   WHERE a.occurred_at > as_of.t - to_days(?)),
        scored AS (SELECT e.grp, avg(s.score) AS average FROM scores s JOIN e USING (student_id, course_id) GROUP BY e.grp)
        SELECT e.grp, count(DISTINCT e.student_id), (SELECT count(*) FROM active WHERE active.grp = e.grp),
               round(any_value(scored.average), 1), round(avg(CASE WHEN e.status = 'completed' THEN 1.0 ELSE 0.0 END), 4)
        FROM e LEFT JOIN scored USING (grp) GROUP BY e.grp ORDER BY e.grp
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
