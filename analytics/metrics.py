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
    value = _one(cursor, scope, "SELECT avg(score) FROM s")
    return None if value is None else round(float(value), 1)


def completion_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    value = _one(
        cursor, scope, "SELECT avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END) FROM e"
    )
    return round(float(value), 4) if value is not None else 0.0


def dropout_rate(cursor: duckdb.DuckDBPyConnection, scope: Scope, windows: Windows) -> float:
    value = _one(
        cursor,
        scope,
        """
        SELECT avg(CASE WHEN e.status = 'withdrawn' THEN 1.0
                        WHEN e.status <> 'completed' AND recent.student_id IS NULL THEN 1.0
                        ELSE 0.0 END)
        FROM e LEFT JOIN (
            SELECT DISTINCT student_id, course_id FROM a, as_of WHERE occurred_at > as_of.t - to_days(?)
        ) recent USING (student_id, course_id)
    """,
        [windows.dropout_days],
    )
    return round(float(value), 4) if value is not None else 0.0


def score_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    ctes, parameters = _scoped(scope)
    rows = cursor.execute(
        ctes
        + """
        SELECT strftime(CAST(occurred_at AS DATE), '%Y-%m-%d') AS day, round(avg(score), 1)
        FROM s WHERE (? IS NULL OR CAST(occurred_at AS DATE) >= ?) AND (? IS NULL OR CAST(occurred_at AS DATE) <= ?)
        GROUP BY day ORDER BY day
    """,
        [*parameters, start, start, end, end],
    ).fetchall()
    return [(day, float(score)) for day, score in rows]


def activity_trend(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, int]]:
    ctes, parameters = _scoped(scope)
    rows = cursor.execute(
        ctes
        + """
        SELECT strftime(CAST(occurred_at AS DATE), '%Y-%m-%d') AS day, count(*)
        FROM a WHERE (? IS NULL OR CAST(occurred_at AS DATE) >= ?) AND (? IS NULL OR CAST(occurred_at AS DATE) <= ?)
        GROUP BY day ORDER BY day
    """,
        [*parameters, start, start, end, end],
    ).fetchall()
    return [(day, int(count)) for day, count in rows]


def weekly_progress(
    cursor: duckdb.DuckDBPyConnection, scope: Scope, start: date | None, end: date | None
) -> list[tuple[str, float]]:
    ctes, parameters = _scoped(scope)
    rows = cursor.execute(
        ctes
        + """
        SELECT strftime(CAST(occurred_at AS DATE), '%G-W%V') AS week, round(avg(score), 1)
        FROM s WHERE (? IS NULL OR CAST(occurred_at AS DATE) >= ?) AND (? IS NULL OR CAST(occurred_at AS DATE) <= ?)
        GROUP BY week ORDER BY week
    """,
        [*parameters, start, start, end, end],
    ).fetchall()
    return [(week, float(score)) for week, score in rows]
