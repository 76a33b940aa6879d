"""The platform database as a warehouse source.

Students, courses and enrollments are small and change in place (status, classroom), so
they are read in full every time. Learning-history rows are the bulk: only those changed
since the previous load's watermark are read, with a safety lag so a transaction that
committed late with an earlier `updated_at` is still picked up (re-reading a row is
harmless: the merge replaces rows by id and counts only real changes).

PostgreSQL streams the rows out with COPY, parsed by Arrow in blocks and inserted by DuckDB
straight from the stream; other databases go through the driver in batches."""

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
from pyarrow import csv
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from analytics.star import reset, stage
from models.classrooms import Classroom, SubjectEnrollment
from models.curriculum import Curriculum, GradeClass, Lesson, Subject, Topic
from models.identity import School, User
from models.learning import LearningEvent, LessonProgress

NAME = "platform"
READING = "Reading learning history"
LAG = timedelta(minutes=10)
BATCH = 50_000


def load(
    engine: Engine,
    warehouse: duckdb.DuckDBPyConnection,
    since: datetime | None,
    progress: Callable[[str, int, int], None] = lambda *_: None,
) -> datetime | None:
    """Fill the warehouse's tables and stage the changed activities; the new watermark."""
    start = _utc(since - LAG) if since is not None else None
    changed = select(func.count()).select_from(LearningEvent)
    if start is not None:
        changed = changed.where(col(LearningEvent.updated_at) > start.replace(tzinfo=UTC))
    with engine.connect() as connection:
        watermark = connection.execute(select(func.max(LearningEvent.updated_at))).scalar()
        total = int(connection.execute(changed).scalar() or 0)

    def staged(rows: int) -> None:
        progress(READING, rows, total)

    staged(0)
    _students(engine, warehouse)
    _courses(engine, warehouse)
    _enrollments(engine, warehouse)
    stage(warehouse)
    if engine.dialect.name == "postgresql":
        _stage_by_copy(engine, warehouse, start, staged)
    else:
        _stage_by_rows(engine, warehouse, start, staged)
    return _utc(watermark) if watermark is not None else since


def _utc(value: datetime | None) -> datetime | None:
    """Naive UTC, as the warehouse stores times (SQLite hands back naive UTC already)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value and value.tzinfo else value


def _batches(engine: Engine, statement: Any) -> Iterator[Sequence[Any]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            statement
        )
        while rows := result.fetchmany(BATCH):
            yield rows


def _insert(
    warehouse: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]
) -> None:
    warehouse.register("batch", pa.table(columns))
    try:
        warehouse.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch")
    finally:
        warehouse.unregister("batch")


def _students(engine: Engine, warehouse: duckdb.DuckDBPyConnection) -> None:
    reset(warehouse, "students")
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
    reset(warehouse, "courses")
    with engine.connect() as connection:
        counts = dict(
            connection.execute(
                select(col(Topic.subject_id), func.count())
                .join(Lesson, col(Lesson.topic_id) == col(Topic.id))
                .group_by(col(Topic.subject_id))
            ).all()
        )
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
            "lessons": [int(counts.get(r[0] or 0, 0)) for r in rows],
        },
    )


def _enrollments(engine: Engine, warehouse: duckdb.DuckDBPyConnection) -> None:
    reset(warehouse, "enrollments")
    with engine.connect() as connection:
        completed = {
            (student, subject): int(count)
            for student, subject, count in connection.execute(
                select(col(LessonProgress.student_id), col(Topic.subject_id), func.count())
                .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
                .join(Topic, col(Topic.id) == col(Lesson.topic_id))
                .where(col(LessonProgress.status) == "completed")
                .group_by(col(LessonProgress.student_id), col(Topic.subject_id))
            )
        }
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


def _stage_by_rows(
    engine: Engine,
    warehouse: duckdb.DuckDBPyConnection,
    start: datetime | None,
    staged: Callable[[int], None],
) -> None:
    statement = (
        select(  # type: ignore[call-overload]  # more columns than its typed overloads
            col(LearningEvent.id),
            col(LearningEvent.student_id),
            col(Topic.subject_id),
            col(LearningEvent.accessed_at),
            col(LearningEvent.duration_minutes),
            col(LearningEvent.status),
            col(LearningEvent.score),
        )
        .join(Lesson, col(Lesson.id) == col(LearningEvent.lesson_id))
        .join(Topic, col(Topic.id) == col(Lesson.topic_id))
    )
    if start is not None:
        statement = statement.where(col(LearningEvent.updated_at) > start.replace(tzinfo=UTC))
    done = 0
    for rows in _batches(engine, statement):
        _insert(
            warehouse,
            "staged",
            {
                "activity_id": [r[0] for r in rows],
                "student_id": [r[1] for r in rows],
                "course_id": [f"course_{r[2]}" for r in rows],
                "occurred_at": pa.array([_utc(r[3]) for r in rows], pa.timestamp("us")),
                "minutes": pa.array([r[4] for r in rows], pa.float64()),
                "completed": [r[5] == "completed" for r in rows],
                "score": pa.array([r[6] for r in rows], pa.float64()),
            },
        )
        done += len(rows)
        staged(done)


# Times leave PostgreSQL as microseconds since the epoch: no time zone or format to parse.
COPY = """
COPY (
    SELECT h.id, h.student_id, 'course_' || t.subject_id,
           (extract(epoch FROM h.accessed_at) * 1000000)::bigint,
           h.duration_minutes, h.status = 'completed', h.score
    FROM learning_history h JOIN lessons l ON l.id = h.lesson_id JOIN topics t ON t.id = l.topic_id
    WHERE %s::timestamptz IS NULL OR h.updated_at > %s::timestamptz
) TO STDOUT (FORMAT csv)
"""
COPY_COLUMNS = {
    "activity_id": pa.string(),
    "student_id": pa.int64(),
    "course_id": pa.string(),
    "occurred_us": pa.int64(),
    "minutes": pa.float64(),
    "completed": pa.bool_(),
    "score": pa.float64(),
}


class _Chunks(io.RawIOBase):
    """A readable file over the byte chunks COPY hands out, for Arrow's CSV reader."""

    def __init__(self, chunks: Iterable[bytes | memoryview]) -> None:
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk).cast("B")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _counted(batches: Iterable[pa.RecordBatch], staged: Callable[[int], None]) -> Any:
    done = 0
    for batch in batches:
        done += batch.num_rows
        staged(done)
        yield batch


def _stage_by_copy(
    engine: Engine,
    warehouse: duckdb.DuckDBPyConnection,
    start: datetime | None,
    staged: Callable[[int], None],
) -> None:
    since = start.replace(tzinfo=UTC) if start is not None else None
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        with cursor.copy(COPY, (since, since)) as copy:
            reader = csv.open_csv(
                io.BufferedReader(_Chunks(copy), buffer_size=1 << 20),
                read_options=csv.ReadOptions(column_names=list(COPY_COLUMNS), block_size=8 << 20),
                parse_options=csv.ParseOptions(newlines_in_values=False),
                convert_options=csv.ConvertOptions(
                    column_types=COPY_COLUMNS, true_values=["t"], false_values=["f"]
                ),
            )
            warehouse.register(
                "copied",
                pa.RecordBatchReader.from_batches(reader.schema, _counted(reader, staged)),
            )
            try:
                warehouse.execute("""
                    INSERT INTO staged
                    SELECT activity_id, student_id, course_id, make_timestamp(occurred_us),
                           minutes, completed, score
                    FROM copied
                """)
            finally:
                warehouse.unregister("copied")
    finally:
        connection.close()
