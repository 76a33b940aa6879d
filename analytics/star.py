"""The warehouse's tables: the star schema every source loads, the cleaning of staged
activities into it, and the per-enrollment and per-day aggregates the figures read.

Sources fill `students`, `courses` and `enrollments` completely on every load and put the
activities they read into the temporary `staged` table; `merge_staged` cleans those into
`activities` and `scores`; `derive` rebuilds the aggregates. The aggregates keep each
figure's query to a few thousand rows whatever the number of activities."""

from dataclasses import dataclass, field

import duckdb

SCHEMA_VERSION = 6  # a snapshot of another version is rebuilt in full, never updated

TABLES = {
    "students": "student_id BIGINT, name VARCHAR, school_id BIGINT, country VARCHAR, grade VARCHAR",
    # starts_at and length_days: where the source knows them (an OULAD presentation's), else NULL
    "courses": "course_id VARCHAR, subject_id BIGINT, course_name VARCHAR, subject_name VARCHAR, lessons INTEGER, "
    "starts_at TIMESTAMP, length_days DOUBLE",
    "enrollments": "student_id BIGINT, course_id VARCHAR, classroom_id BIGINT, school_id BIGINT, "
    "status VARCHAR, enrolled_at TIMESTAMP, completed_lessons INTEGER",
    "activities": "activity_id VARCHAR, student_id BIGINT, course_id VARCHAR, occurred_at TIMESTAMP, "
    "minutes DOUBLE, completed BOOLEAN",
    "scores": "activity_id VARCHAR, student_id BIGINT, course_id VARCHAR, occurred_at TIMESTAMP, score DOUBLE",
    "cleaning": "reason VARCHAR, rows BIGINT",
    "meta": "version VARCHAR, refreshed_at TIMESTAMP, as_of TIMESTAMP, rows_added BIGINT, "
    "source VARCHAR, watermark TIMESTAMP, schema_version INTEGER, full_load BOOLEAN, digest VARCHAR",
}
# The tables a source fills, whose content `digest` sums up; the others derive from them.
BASE_TABLES = ("students", "courses", "enrollments", "activities", "scores")

# What a source stages: one row per activity, with its score when it has one.
STAGED = (
    "activity_id VARCHAR, student_id BIGINT, course_id VARCHAR, occurred_at TIMESTAMP, "
    "minutes DOUBLE, completed BOOLEAN, score DOUBLE"
)

NEGATIVE_MINUTES = "negative or missing minutes"
BAD_SCORE = "score outside 0-100"
DUPLICATES = "duplicate rows"


@dataclass
class Merged:
    rows_added: int
    dropped: dict[str, int] = field(default_factory=dict)


def create(warehouse: duckdb.DuckDBPyConnection) -> None:
    for table, columns in TABLES.items():
        warehouse.execute(f"CREATE TABLE {table} ({columns})")


def reset(warehouse: duckdb.DuckDBPyConnection, table: str) -> None:
    """Empty a table a source reloads in full."""
    warehouse.execute(f"DELETE FROM {table}")


def stage(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute(f"CREATE OR REPLACE TEMP TABLE staged ({STAGED})")


def _count(warehouse: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = warehouse.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def merge_staged(warehouse: duckdb.DuckDBPyConnection, full: bool) -> Merged:
    """Clean the staged rows into activities and scores. Impossible minutes drop the row,
    an impossible score drops the score, a row staged twice counts once; each is counted by
    reason. A staged row replaces the row of the same id (it changed in the source);
    `rows_added` counts the rows that are new or differ from what the warehouse held."""
    dropped = {
        NEGATIVE_MINUTES: _count(
            warehouse, "SELECT count(*) FROM staged WHERE minutes IS NULL OR minutes < 0"
        ),
        BAD_SCORE: _count(
            warehouse,
            "SELECT count(*) FROM staged WHERE minutes >= 0 AND (score < 0 OR score > 100)",
        ),
    }
    warehouse.execute("""
        CREATE OR REPLACE TEMP TABLE fresh AS
        SELECT DISTINCT ON (activity_id) activity_id, student_id, course_id, occurred_at, minutes, completed,
               CASE WHEN score BETWEEN 0 AND 100 THEN score END AS score
        FROM staged WHERE minutes >= 0
    """)
    kept = _count(warehouse, "SELECT count(*) FROM staged WHERE minutes >= 0")
    fresh = _count(warehouse, "SELECT count(*) FROM fresh")
    dropped[DUPLICATES] = kept - fresh
    if full:
        rows_added = fresh
    else:
        rows_added = _count(
            warehouse,
            """
            SELECT count(*) FROM fresh f
            LEFT JOIN activities a USING (activity_id) LEFT JOIN scores s USING (activity_id)
            WHERE a.activity_id IS NULL
               OR (a.student_id, a.course_id, a.occurred_at, a.minutes, a.completed, s.score)
                  IS DISTINCT FROM (f.student_id, f.course_id, f.occurred_at, f.minutes, f.completed, f.score)
        """,
        )
        # Every staged id is replaced, so a row that became invalid leaves the warehouse too.
        for table in ("activities", "scores"):
            warehouse.execute(
                f"DELETE FROM {table} WHERE activity_id IN (SELECT activity_id FROM staged)"
            )
    warehouse.execute("""
        INSERT INTO activities SELECT activity_id, student_id, course_id, occurred_at, minutes, completed FROM fresh;
        INSERT INTO scores SELECT activity_id, student_id, course_id, occurred_at, score FROM fresh WHERE score IS NOT NULL;
        DROP TABLE fresh; DROP TABLE staged;
    """)
    return Merged(rows_added=rows_added, dropped=dropped)


def digest(warehouse: duckdb.DuckDBPyConnection) -> str:
    """The base tables' content as a short string: equal for equal content, whatever the
    order of the rows (a count and a sum of row hashes per table). A refresh whose digest is
    the current snapshot's changed nothing (about a second per 10 million rows)."""
    parts = []
    for table in BASE_TABLES:
        row = warehouse.execute(
            f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {table} t"
        ).fetchone()
        assert row is not None
        parts.append(f"{row[0]}:{row[1]}")
    return " ".join(parts)


def forget_missing_students(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Activities and scores of students the source no longer has (deleted accounts)."""
    for table in ("activities", "scores"):
        warehouse.execute(
            f"DELETE FROM {table} WHERE student_id NOT IN (SELECT student_id FROM students)"
        )


def derive(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the aggregates from the base tables.

    - enrollment_facts: each enrollment with its last activity, activity count, minutes,
      score sum/count and mean score of its last four weeks of scores in that course (every
      per-enrollment figure, the rankings, and the features of the completion models);
    - daily_facts: per classroom, school, course and day, activities, completions and score
      sums of enrolled students (the trends and the school KPIs);
    - student_daily: per student and day, sorted by student (the profile).
    Means are kept as sums and counts so any scope can add them up exactly; sums of minutes
    are rounded, as parallel summation adds them in no fixed order."""
    events = """
        SELECT student_id, course_id, occurred_at, CAST(occurred_at AS DATE) AS day, 1 AS activities,
               CAST(completed AS INTEGER) AS completed, minutes, 0.0 AS score_sum, 0 AS score_count
        FROM activities
        UNION ALL
        SELECT student_id, course_id, NULL, CAST(occurred_at AS DATE), 0, 0, 0.0, score, 1 FROM scores
    """
    warehouse.execute(f"""
        CREATE OR REPLACE TABLE enrollment_facts AS
        WITH per_pair AS (
            SELECT student_id, course_id, max(occurred_at) AS last_activity, sum(activities) AS activities,
                   round(sum(minutes), 6) AS minutes, sum(score_sum) AS score_sum, sum(score_count) AS score_count
            FROM ({events}) GROUP BY student_id, course_id),
        last_scored AS (SELECT student_id, course_id, max(occurred_at) AS last FROM scores GROUP BY ALL),
        recent AS (
            SELECT s.student_id, s.course_id, round(avg(s.score), 6) AS recent_score
            FROM scores s JOIN last_scored l USING (student_id, course_id)
            WHERE s.occurred_at > l.last - INTERVAL 28 DAY GROUP BY ALL)
        SELECT e.student_id, e.course_id, e.classroom_id, e.school_id, e.status, e.enrolled_at,
               e.completed_lessons, p.last_activity, coalesce(p.activities, 0) AS activities,
               coalesce(p.minutes, 0) AS minutes, coalesce(p.score_sum, 0) AS score_sum,
               coalesce(p.score_count, 0) AS score_count, r.recent_score
        FROM enrollments e LEFT JOIN per_pair p USING (student_id, course_id)
             LEFT JOIN recent r USING (student_id, course_id)
        ORDER BY e.school_id, e.classroom_id, e.course_id;

        CREATE OR REPLACE TABLE daily_facts AS
        SELECT e.classroom_id, e.school_id, x.course_id, x.day, sum(x.activities) AS activities,
               sum(x.completed) AS completed, sum(x.score_sum) AS score_sum, sum(x.score_count) AS score_count
        FROM ({events}) x JOIN (SELECT DISTINCT student_id, course_id, classroom_id, school_id FROM enrollments) e
             USING (student_id, course_id)
        GROUP BY e.classroom_id, e.school_id, x.course_id, x.day
        ORDER BY e.school_id, e.classroom_id, x.course_id, x.day;

        CREATE OR REPLACE TABLE student_daily AS
        SELECT student_id, day, sum(activities) AS activities, round(sum(minutes), 6) AS minutes,
               sum(score_sum) AS score_sum, sum(score_count) AS score_count, max(occurred_at) AS last_at
        FROM ({events}) GROUP BY student_id, day
        ORDER BY student_id, day;
    """)
