"""Extract the platform database into a new warehouse snapshot: a star schema of students,
courses, enrollments, activities and scores. Runs synchronously (call it off the event loop);
one refresh at a time across processes, through a lock file in the warehouse directory."""

import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import col, select

from analytics.warehouse import new_version, publish, snapshot_path
from learnloom.errors import Conflict
from models.classrooms import Classroom, SubjectEnrollment
from models.curriculum import Curriculum, GradeClass, Lesson, Subject, Topic
from models.db import sync_url
from models.identity import School, User
from models.learning import LearningEvent, LessonProgress

Progress = Callable[[str, int, int], None]
BATCH = 50_000

SCHEMA = """
CREATE TABLE students (student_id BIGINT PRIMARY KEY, name VARCHAR, school_id BIGINT, country VARCHAR, grade VARCHAR);
CREATE TABLE courses (course_id VARCHAR PRIMARY KEY, subject_id BIGINT, course_name VARCHAR, subject_name VARCHAR, lessons INTEGER);
CREATE TABLE enrollments (student_id BIGINT, course_id VARCHAR, classroom_id BIGINT, school_id BIGINT,
                          status VARCHAR, enrolled_at TIMESTAMP, completed_lessons INTEGER);
CREATE TABLE activities (activity_id VARCHAR, student_id BIGINT, course_id VARCHAR, occurred_at TIMESTAMP, minutes DOUBLE, completed BOOLEAN);
CREATE TABLE scores (activity_id VARCHAR, student_id BIGINT, course_id VARCHAR, occurred_at TIMESTAMP, score DOUBLE);
CREATE TABLE cleaning (reason VARCHAR, rows BIGINT);
CREATE TABLE meta (version VARCHAR, refreshed_at TIMESTAMP, as_of TIMESTAMP, rows_added BIGINT, source VARCHAR);
"""


class RefreshInProgress(Conflict):
    """Another refresh holds the lock."""

    code, default_message = (
        "REFRESH_IN_PROGRESS",
        "A data refresh is already running; try again when it ends",
    )


@dataclass
class RefreshResult:
    version: str
    rows_added: int
    refreshed_at: datetime
    dropped: dict[str, int] = field(default_factory=dict)


@contextmanager
def refresh_lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".refresh.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshInProgress() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh(
    database_url: str, directory: Path, progress: Progress = lambda *_: None
) -> RefreshResult:
    """A full rebuild into a new snapshot, published only once complete."""
    with refresh_lock(directory):
        version = new_version()
        target = snapshot_path(directory, version)
        engine = create_engine(sync_url(database_url), poolclass=NullPool)
        try:
            result = _load(engine, target, version, progress)
        except BaseException:
            target.unlink(missing_ok=True)  # the previous snapshot keeps serving
            raise
        finally:
            engine.dispose()
        publish(directory, version)
        return result


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None


def _batches(engine: Engine, statement: Any) -> Iterator[Sequence[Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            statement
        )
        while rows := result.fetchmany(BATCH):
            yield rows


def _load(engine: Engine, target: Path, version: str, progress: Progress) -> RefreshResult:
    warehouse = duckdb.connect(str(target), config={"enable_external_access": False})
    dropped: dict[str, int] = {}
    rows_added = 0
    try:
        warehouse.execute(SCHEMA)
        steps = ("students", "courses", "enrollments", "activities")
        progress("Loading the warehouse", 0, len(steps))
        _students(engine, warehouse)
        progress("Loading the warehouse", 1, len(steps))
        _courses(engine, warehouse)
        progress("Loading the warehouse", 2, len(steps))
        _enrollments(engine, warehouse)
        progress("Loading the warehouse", 3, len(steps))
        rows_added = _activities(engine, warehouse, dropped)
        progress("Loading the warehouse", 4, len(steps))
        for reason, count in dropped.items():
            warehouse.execute("INSERT INTO cleaning VALUES (?, ?)", [reason, count])
        now = datetime.now(UTC).replace(tzinfo=None)
        as_of = warehouse.execute("SELECT max(occurred_at) FROM activities").fetchone()[0]  # type: ignore[index]
        warehouse.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?)", [version, now, as_of, rows_added, "platform"]
        )
        warehouse.execute("CHECKPOINT")
    finally:
        warehouse.close()
    return RefreshResult(
        version=version,
        rows_added=rows_added,
        refreshed_at=now.replace(tzinfo=UTC),
        dropped=dropped,
    )


def _insert(
    warehouse: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]
) -> None:
    warehouse.register("batch", pa.table(columns))
    try:
        warehouse.execute(f"INSERT INTO {table} SELECT * FROM batch")
    finally:
        warehouse.unregister("batch")


def _students(engine: Engine, warehouse: duckdb.DuckDBPyConnection) -> None:
    statement = (
        select(  # type: ignore[call-overload]  # more columns than its typed overloads
            col(User.id),
            col(User.first_name),
            col(User.last_name),
            col(User.school_id),
            col(School.country),
            col(User.grade),
        )
        .outerjoin(School, col(School.id) == col(User.school_id))
        .where(col(User.role).in_(("STUDENT", "INDEPENDENT_LEARNER")))
    )
    for rows in _batches(engine, statement):
        _insert(
            warehouse,
            "students",
            {
                "student_id": [r[0] for r in rows],
                "name": [f"{r[1]} {r[2]}" for r in rows],
                "school_id": [r[3] for r in rows],
                "country": [r[4] for r in rows],
                "grade": [r[5] for r in rows],
            },
        )


def _courses(engine: Engine, warehouse: duckdb.DuckDBPyConnection) -> None:
    with engine.connect() as connection:
        counts: dict[int, int] = {}
        for (subject_id,) in connection.execute(
            select(col(Topic.subject_id)).join(Lesson, col(Lesson.topic_id) == col(Topic.id))
        ):
            counts[subject_id] = counts.get(subject_id, 0) + 1
        rows = connection.execute(
            select(col(Subject.id), col(Subject.name), col(GradeClass.name))
            .join(GradeClass, col(GradeClass.id) == col(Subject.class_id))
            .join(Curriculum, col(Curriculum.id) == col(GradeClass.curriculum_id))
        ).all()
    _insert(
        warehouse,
        "courses",
        {
            "course_id": [f"course_{r[0]}" for r in rows],
            "subject_id": [r[0] for r in rows],
            "course_name": [f"{r[2]} {r[1]}" for r in rows],
            "subject_name": [r[1] for r in rows],
            "lessons": [counts.get(r[0] or 0, 0) for r in rows],
        },
    )


def _enrollments(engine: Engine, warehouse: duckdb.DuckDBPyConnection) -> None:
    with engine.connect() as connection:
        completed: dict[tuple[int, int], int] = {}
        for student_id, subject_id in connection.execute(
            select(col(LessonProgress.student_id), col(Topic.subject_id))
            .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
            .join(Topic, col(Topic.id) == col(Lesson.topic_id))
            .where(col(LessonProgress.status) == "completed")
        ):
            completed[(student_id, subject_id)] = completed.get((student_id, subject_id), 0) + 1
    statement = (
        select(  # type: ignore[call-overload]  # more columns than its typed overloads
            col(SubjectEnrollment.student_id),
            col(SubjectEnrollment.subject_id),
            col(SubjectEnrollment.classroom_id),
            col(Classroom.school_id),
            col(User.school_id),
            col(SubjectEnrollment.status),
            col(SubjectEnrollment.enrolled_at),
        )
        .outerjoin(Classroom, col(Classroom.id) == col(SubjectEnrollment.classroom_id))
        .join(User, col(User.id) == col(SubjectEnrollment.student_id))
    )
    for rows in _batches(engine, statement):
        _insert(
            warehouse,
            "enrollments",
            {
                "student_id": [r[0] for r in rows],
                "course_id": [f"course_{r[1]}" for r in rows],
                "classroom_id": [r[2] for r in rows],
                "school_id": [r[3] if r[3] is not None else r[4] for r in rows],
                "status": [r[5] for r in rows],
                "enrolled_at": [_utc(r[6]) for r in rows],
                "completed_lessons": [completed.get((r[0], r[1]), 0) for r in rows],
            },
        )


def _activities(
    engine: Engine, warehouse: duckdb.DuckDBPyConnection, dropped: dict[str, int]
) -> int:
    """Learning-history visits become activities; those with a quiz score, scores too.
    Impossible values are dropped and counted by reason."""
    statement = (
        select(  # type: ignore[call-overload]  # more columns than its typed overloads
            col(LearningEvent.id),
            col(LearningEvent.student_id),
            col(Topic.subject_id),
            col(LearningEvent.accessed_at),
            col(LearningEvent.duration_minutes),
            col(LearningEvent.score),
            col(LearningEvent.status),
        )
        .join(Lesson, col(Lesson.id) == col(LearningEvent.lesson_id))
        .join(Topic, col(Topic.id) == col(Lesson.topic_id))
    )
    loaded = 0
    for rows in _batches(engine, statement):
        kept = [r for r in rows if r[4] is not None and r[4] >= 0]
        dropped["negative or missing minutes"] = (
            dropped.get("negative or missing minutes", 0) + len(rows) - len(kept)
        )
        _insert(
            warehouse,
            "activities",
            {
                "activity_id": [r[0] for r in kept],
                "student_id": [r[1] for r in kept],
                "course_id": [f"course_{r[2]}" for r in kept],
                "occurred_at": [_utc(r[3]) for r in kept],
                "minutes": [float(r[4]) for r in kept],
                "completed": [r[6] == "completed" for r in kept],
            },
        )
        scored = [r for r in kept if r[5] is not None]
        valid = [r for r in scored if 0 <= r[5] <= 100]
        dropped["score outside 0-100"] = (
            dropped.get("score outside 0-100", 0) + len(scored) - len(valid)
        )
        _insert(
            warehouse,
            "scores",
            {
                "activity_id": [r[0] for r in valid],
                "student_id": [r[1] for r in valid],
                "course_id": [f"course_{r[2]}" for r in valid],
                "occurred_at": [_utc(r[3]) for r in valid],
                "score": [float(r[5]) for r in valid],
            },
        )
        loaded += len(kept) + len(valid)
    # The same visit loaded twice (a source that repeats rows) counts once.
    before = warehouse.execute("SELECT count(*) FROM activities").fetchone()[0]  # type: ignore[index]
    warehouse.execute(
        "CREATE OR REPLACE TABLE activities AS SELECT DISTINCT ON (activity_id) * FROM activities"
    )
    warehouse.execute(
        "CREATE OR REPLACE TABLE scores AS SELECT DISTINCT ON (activity_id) * FROM scores"
    )
    duplicates = before - warehouse.execute("SELECT count(*) FROM activities").fetchone()[0]  # type: ignore[index]
    dropped["duplicate rows"] = duplicates
    return loaded - duplicates
