"""The analytics benchmark's data set, generated inside PostgreSQL: the demo world (for its
accounts and curriculum) plus 25 schools' worth of classrooms, 10,000 students enrolled in
their classroom's four subjects, and 10 million learning-history rows over the last year.

Rows are made by `generate_series` in the server, in chunks, with the history table's
secondary indexes dropped during the load and rebuilt after (as a bulk import would do);
a few impossible rows are mixed in so the cleaning has something to count."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from sqlalchemy.engine import make_url

from learnloom.demo import DEMO_ACCOUNTS, DemoOptions, seed_demo
from models.db import make_engine, make_session_factory
from models.migrate import upgrade

CLASS_SIZE = 40
CHUNK = 1_000_000
HISTORY_INDEXES = ("student_id", "lesson_id", "accessed_at", "updated_at")


@dataclass(frozen=True)
class Size:
    students: int = 10_000
    activities: int = 10_000_000


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_exists(admin_url: str, name: str) -> bool:
    with psycopg.connect(dsn(admin_url), autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return found.fetchone() is not None


def generated_size(url: str) -> Size | None:
    """The size of a complete earlier generation in this database, if there is one."""
    try:
        with psycopg.connect(dsn(url)) as connection:
            row = connection.execute("SELECT students, activities FROM bench_size").fetchone()
    except psycopg.Error:
        return None
    return Size(*row) if row else None


def create(admin_url: str, name: str) -> str:
    with psycopg.connect(dsn(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def generate(url: str, size: Size, say: Callable[[str], None]) -> None:
    upgrade(url)
    now = datetime.now(UTC).replace(microsecond=0)

    async def demo() -> None:
        engine = make_engine(url)
        try:
            await seed_demo(make_session_factory(engine), DemoOptions(students=40, now=now))
        finally:
            await engine.dispose()

    asyncio.run(demo())
    say("demo world seeded (accounts, curriculum)")
    classrooms = -(-size.students // CLASS_SIZE)
    with psycopg.connect(dsn(url), autocommit=True) as db:
        db.execute("SET synchronous_commit = off")
        db.execute("SET maintenance_work_mem = '512MB'")
        _people(db, size, classrooms, now)
        say(f"{size.students:,} students in {classrooms} classrooms of 25 schools")
        for column in HISTORY_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS ix_learning_history_{column}")
        _history(db, size, now, say)
        started = time.perf_counter()
        for column in HISTORY_INDEXES:
            db.execute(f"CREATE INDEX ix_learning_history_{column} ON learning_history ({column})")
        db.execute("ANALYZE")
        say(f"indexes rebuilt in {time.perf_counter() - started:.0f} s")
        db.execute("CREATE TABLE bench_size (students INTEGER, activities BIGINT)")
        db.execute("INSERT INTO bench_size VALUES (%s, %s)", (size.students, size.activities))


def _run(db: psycopg.Connection, script: str, values: dict[str, object]) -> None:
    """Each statement of `script` on its own (bound parameters allow one per call)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement, values)  # type: ignore[call-overload]


def _people(db: psycopg.Connection, size: Size, classrooms: int, now: datetime) -> None:
    _run(
        db,
        """
        INSERT INTO schools (id, name, country, region, curriculum_id, is_archived, created_at)
        SELECT (SELECT max(id) FROM schools) + n, 'Bench School ' || n,
               (ARRAY['UG', 'KE', 'ZM', 'TZ'])[1 + n %% 4], NULL, NULL, false, %(now)s
        FROM generate_series(1, 22) n;
        CREATE TEMP TABLE bench_classrooms AS
        SELECT (SELECT max(id) FROM classrooms) + n AS id,
               (SELECT array_agg(id ORDER BY id) FROM schools)[1 + n %% 25] AS school_id,
               (SELECT array_agg(id ORDER BY id) FROM classes)[1 + n %% 25] AS class_id, n
        FROM generate_series(1, %(classrooms)s) n;
        INSERT INTO classrooms (id, school_id, class_id, name, academic_year, schedule, created_at)
        SELECT id, school_id, class_id, 'Bench ' || n, '2026', '{}', %(now)s FROM bench_classrooms;
        INSERT INTO classroom_subjects (classroom_id, subject_id)
        SELECT c.id, s.id FROM bench_classrooms c JOIN subjects s ON s.class_id = c.class_id;
        CREATE TEMP TABLE bench_students AS
        SELECT (SELECT max(id) FROM users) + g.n AS id, c.id AS classroom_id, c.school_id, g.n
        FROM generate_series(1, %(students)s) AS g(n)
        JOIN bench_classrooms c ON c.n = 1 + (g.n - 1) / %(size)s;
        INSERT INTO users (id, email, password_hash, first_name, last_name, role, school_id, grade,
                           is_active, email_verified, token_version, created_at)
        SELECT s.id, 'bench.student' || s.n || '@learnloom.test',
               (SELECT password_hash FROM users WHERE role = 'STUDENT' LIMIT 1),
               'Bench', 'Student ' || s.n, 'STUDENT', s.school_id, NULL, true, true, 0, %(now)s
        FROM bench_students s;
        INSERT INTO classroom_students (classroom_id, student_id, enrolled_at)
        SELECT classroom_id, id, %(now)s FROM bench_students;
        INSERT INTO subject_enrollments (student_id, subject_id, classroom_id, status, enrolled_at, updated_at)
        SELECT s.id, cs.subject_id, s.classroom_id,
               CASE WHEN random() < 0.1 THEN 'withdrawn' WHEN random() < 0.25 THEN 'completed' ELSE 'active' END,
               %(now)s - interval '365 days', %(now)s
        FROM bench_students s JOIN classroom_subjects cs ON cs.classroom_id = s.classroom_id;
        INSERT INTO classroom_teachers (classroom_id, teacher_id)
        SELECT c.id, t.id FROM users t
        JOIN LATERAL (SELECT id FROM bench_classrooms WHERE school_id = t.school_id ORDER BY id LIMIT 5) c ON true
        WHERE t.email = %(teacher)s
    """,
        {
            "students": size.students,
            "size": CLASS_SIZE,
            "classrooms": classrooms,
            "now": now,
            "teacher": DEMO_ACCOUNTS["TEACHER"],
        },
    )
    for table in ("schools", "classrooms", "users", "subject_enrollments"):
        db.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # type: ignore[arg-type]
        )


def _history(db: psycopg.Connection, size: Size, now: datetime, say: Callable[[str], None]) -> None:
    db.execute("""
        CREATE TEMP TABLE bench_pairs AS
        SELECT row_number() OVER (ORDER BY e.id) - 1 AS k, e.student_id, e.subject_id
        FROM subject_enrollments e JOIN bench_students s ON s.id = e.student_id;
        CREATE TEMP TABLE bench_lessons AS
        SELECT t.subject_id, row_number() OVER (PARTITION BY t.subject_id ORDER BY l.id) - 1 AS idx, l.id AS lesson_id
        FROM lessons l JOIN topics t ON t.id = l.topic_id;
        CREATE TEMP TABLE bench_counts AS SELECT subject_id, count(*) AS n FROM bench_lessons GROUP BY subject_id;
        CREATE INDEX ON bench_pairs (k); CREATE INDEX ON bench_lessons (subject_id, idx);
        ANALYZE bench_pairs; ANALYZE bench_lessons; ANALYZE bench_counts;
    """)
    pairs = db.execute("SELECT count(*) FROM bench_pairs").fetchone()[0]  # type: ignore[index]
    started = time.perf_counter()
    for first in range(0, size.activities, CHUNK):
        last = min(size.activities, first + CHUNK) - 1
        db.execute(
            """
            INSERT INTO learning_history (id, student_id, lesson_id, session_id, accessed_at, duration_minutes, status, score, updated_at)
            SELECT 'hb_' || g, p.student_id, l.lesson_id, NULL, r.at, r.minutes,
                   CASE WHEN r.done THEN 'completed' ELSE 'in_progress' END,
                   CASE WHEN r.done THEN CASE WHEN g %% 10007 = 0 THEN 150 ELSE round(30 + 70 * random()) END END,
                   r.at
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) g
            JOIN bench_pairs p ON p.k = g %% %(pairs)s
            JOIN bench_counts c ON c.subject_id = p.subject_id
            JOIN bench_lessons l ON l.subject_id = p.subject_id AND l.idx = (g / %(pairs)s) %% c.n
            CROSS JOIN LATERAL (
                SELECT %(now)s - random() * interval '365 days' + g * interval '0 seconds' AS at,
                       CASE WHEN g %% 10009 = 0 THEN -1 ELSE round((5 + 40 * random())::numeric, 1) END AS minutes,
                       random() < 0.55 AS done
            ) r
        """,
            {"first": first, "last": last, "pairs": pairs, "now": now},
        )
        done = last + 1
        rate = done / (time.perf_counter() - started)
        say(f"learning history: {done:,} of {size.activities:,} rows ({rate:,.0f} rows/s)")
