"""A teacher's classrooms: their classes, each class's students
with attendance, and how the class is doing. A class is open to its teachers, its school's
admins and super admins; anyone else is told it does not exist. Figures are computed from
the live tables (a teacher expects today's lesson to count today), a page at a time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.scalars import JSON

from ground.errors import NotFound, ValidationFailed
from models.classrooms import (
    Classroom,
    ClassroomStudent,
    ClassroomSubject,
    ClassroomTeacher,
    SubjectEnrollment,
)
from models.curriculum import GradeClass, Lesson, Topic
from models.enums import EnrollmentStatus, ProgressStatus, Role, SessionStatus
from models.identity import School, User
from models.learning import LessonProgress
from models.sessions import ClassSession, SessionParticipant
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.field_limits import LIST_SIZE, PERCENT
from resolvers.pagination import Page, check_window
from resolvers.permissions import ADMINS, STAFF, require_role, require_school
from resolvers.sessions import may_teach

# What a class's `schedule` holds, for the OpenAPI document (GraphQL sees a JSON scalar).
SCHEDULE_SCHEMA = {
    "type": "object",
    "description": 'Times of the class by weekday, as the school entered them: {"monday": '
    '["09:00-10:30"]}',
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


@dataclass(frozen=True)
class TeacherClass:
    """A classroom the teacher teaches."""

    id: int
    name: str
    grade: str
    subject_ids: list[int]
    student_count: int
    schedule: JSON  # SCHEDULE_SCHEMA: {"monday": ["09:00-10:30"], ...} as the school entered it


@dataclass(frozen=True)
class ClassStudent:
    """A student of the class; attendance is the share of the class's finished sessions since
    they joined that they took part in (none when no session was held)."""

    id: int
    name: str
    enrollment_date: datetime
    subjects: list[int]
    attendance_percent: int | None


@dataclass(frozen=True)
class StudentStanding:
    """One student's average quiz score and share of the class's lessons completed."""

    student_id: int
    name: str
    average_score: int | None
    progress: int


@dataclass(frozen=True)
class ClassPerformance:
    """How a class is doing, with the students to praise and those to help."""

    class_id: int
    class_name: str
    average_score: float | None
    average_progress: int
    top_performers: list[StudentStanding]
    needs_support: list[StudentStanding]
    student_count: int


@dataclass(frozen=True)
class Thresholds:
    """Who counts as a top performer and who needs support (settings give the defaults)."""

    top_score: float
    support_score: float
    support_progress: float
    size: int

    def check(self) -> None:
        details = {
            name: ["Must be between 0 and 100."]
            for name, value in (
                ("top_score", self.top_score),
                ("support_score", self.support_score),
                ("support_progress", self.support_progress),
            )
            if not PERCENT.fits(value)
        }
        if not LIST_SIZE.fits(self.size):
            details["size"] = ["Must be between 1 and 100."]
        if details:
            raise ValidationFailed(details=details)


def thresholds(
    context: Context,
    top_score: float | None,
    support_score: float | None,
    support_progress: float | None,
    size: int | None,
) -> Thresholds:
    """The performance bars asked for, the settings' where not."""
    settings = context.settings
    return Thresholds(
        top_score=settings.top_performer_score if top_score is None else top_score,
        support_score=settings.needs_support_score if support_score is None else support_score,
        support_progress=settings.needs_support_progress
        if support_progress is None
        else support_progress,
        size=settings.performance_list_size if size is None else size,
    )


def _name(user: User) -> str:
    return f"{user.first_name} {user.last_name}"


async def classroom_of(session: AsyncSession, user: User, class_id: int) -> Classroom:
    """The classroom if the caller teaches or administers it; otherwise it is missing."""
    classroom = await session.get(Classroom, class_id)
    if classroom is None or not await may_teach(session, user, classroom):
        raise NotFound(
            "The requested class does not exist",
            details={"id": [f"Class with ID {class_id} not found"]},
        )
    return classroom


async def my_classes(context: Context, limit: int, offset: int) -> Page[TeacherClass]:
    user = await current_user(context)
    require_role(user, {Role.TEACHER})
    check_window(limit, offset)
    mine = col(ClassroomTeacher.teacher_id) == user.id
    async with context.state.sessions() as session:
        total = (
            await session.exec(select(func.count()).select_from(ClassroomTeacher).where(mine))
        ).one()
        rooms = (
            await session.exec(
                select(Classroom, GradeClass.grade)
                .join(ClassroomTeacher, col(ClassroomTeacher.classroom_id) == col(Classroom.id))
                .join(GradeClass, col(GradeClass.id) == col(Classroom.class_id))
                .where(mine)
                .order_by(col(Classroom.name), col(Classroom.id))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        ids = [room.id for room, _ in rooms]
        subjects: dict[int, list[int]] = {}
        for classroom_id, subject_id in await session.exec(
            select(ClassroomSubject.classroom_id, ClassroomSubject.subject_id)
            .where(col(ClassroomSubject.classroom_id).in_(ids))
            .order_by(col(ClassroomSubject.subject_id))
        ):
            subjects.setdefault(classroom_id, []).append(subject_id)
        counts = dict(
            (
                await session.exec(
                    select(ClassroomStudent.classroom_id, func.count())
                    .where(col(ClassroomStudent.classroom_id).in_(ids))
                    .group_by(col(ClassroomStudent.classroom_id))
                )
            ).all()
        )
    items = []
    for room, grade in rooms:
        assert room.id is not None
        items.append(
            TeacherClass(
                room.id,
                room.name,
                grade,
                subjects.get(room.id, []),
                int(counts.get(room.id, 0)),
                JSON(room.schedule or {}),
            )
        )
    return Page(items=items, limit=limit, offset=offset, total=int(total))


async def class_students(
    context: Context, class_id: int, limit: int, offset: int
) -> Page[ClassStudent]:
    user = await current_user(context)
    require_role(user, STAFF)
    check_window(limit, offset)
    async with context.state.sessions() as session:
        await classroom_of(session, user, class_id)
        return (await _students_pages(session, [class_id], limit, offset))[class_id]


async def my_classes_students(
    context: Context, class_ids: list[int], limit: int, offset: int
) -> dict[int, Page[ClassStudent]]:
    """A page of students of each of the teacher's classes in `class_ids` (a class of someone
    else's has an empty page): the same statements for one class or twenty."""
    user = await current_user(context)
    require_role(user, {Role.TEACHER})
    check_window(limit, offset)
    async with context.state.sessions() as session:
        mine = await _taught(session, user, class_ids)
        pages = await _students_pages(session, sorted(mine), limit, offset)
    empty = Page[ClassStudent](items=[], limit=limit, offset=offset, total=0)
    return {class_id: pages.get(class_id, empty) for class_id in class_ids}


async def _taught(session: AsyncSession, user: User, class_ids: list[int]) -> set[int]:
    rows = await session.exec(
        select(ClassroomTeacher.classroom_id).where(
            col(ClassroomTeacher.teacher_id) == user.id,
            col(ClassroomTeacher.classroom_id).in_(class_ids),
        )
    )
    return set(rows)


async def _students_pages(
    session: AsyncSession, class_ids: list[int], limit: int, offset: int
) -> dict[int, Page[ClassStudent]]:
    """A page of each class's students by name, with their subjects of that class and
    their attendance: four statements whatever the number of classes."""
    of_classes = col(ClassroomStudent.classroom_id).in_(class_ids)
    totals = dict(
        (
            await session.exec(
                select(ClassroomStudent.classroom_id, func.count())
                .where(of_classes)
                .group_by(col(ClassroomStudent.classroom_id))
            )
        ).all()
    )
    place = (
        func.row_number()
        .over(
            partition_by=col(ClassroomStudent.classroom_id),
            order_by=(col(User.last_name), col(User.first_name), col(User.id)),
        )
        .label("place")
    )
    ranked = (
        select_columns(
            col(ClassroomStudent.classroom_id).label("classroom_id"),
            col(ClassroomStudent.student_id).label("student_id"),
            col(ClassroomStudent.enrolled_at).label("enrolled_at"),
            col(User.first_name).label("first_name"),
            col(User.last_name).label("last_name"),
            place,
        )
        .join(User, col(User.id) == col(ClassroomStudent.student_id))
        .where(of_classes)
        .subquery()
    )
    # A plain SQLAlchemy statement, run on the session's connection (sqlmodel's exec types
    # only its own select).
    connection = await session.connection()
    members = (
        await connection.execute(
            select_columns(ranked)
            .where(ranked.c.place > offset, ranked.c.place <= offset + limit)
            .order_by(ranked.c.classroom_id, ranked.c.place)
        )
    ).all()
    ids = sorted({member.student_id for member in members})
    subjects: dict[tuple[int, int], list[int]] = {}
    for classroom_id, student_id, subject_id in await session.exec(
        select(
            ClassroomSubject.classroom_id,
            SubjectEnrollment.student_id,
            SubjectEnrollment.subject_id,
        )
        .join(
            ClassroomSubject,
            col(ClassroomSubject.subject_id) == col(SubjectEnrollment.subject_id),
        )
        .where(
            col(ClassroomSubject.classroom_id).in_(class_ids),
            col(SubjectEnrollment.student_id).in_(ids),
            col(SubjectEnrollment.status) != EnrollmentStatus.WITHDRAWN,
        )
        .order_by(col(SubjectEnrollment.subject_id))
    ):
        subjects.setdefault((classroom_id, student_id), []).append(subject_id)
    attendance = await _attendance(session, class_ids, ids)
    items: dict[int, list[ClassStudent]] = {class_id: [] for class_id in class_ids}
    for member in members:
        key = (member.classroom_id, member.student_id)
        items[member.classroom_id].append(
            ClassStudent(
                id=member.student_id,
                name=f"{member.first_name} {member.last_name}",
                enrollment_date=member.enrolled_at,
                subjects=subjects.get(key, []),
                attendance_percent=attendance.get(key),
            )
        )
    return {
        class_id: Page(
            items=items[class_id], limit=limit, offset=offset, total=int(totals.get(class_id, 0))
        )
        for class_id in class_ids
    }


async def _attendance(
    session: AsyncSession, class_ids: list[int], student_ids: list[int]
) -> dict[tuple[int, int], int | None]:
    """Per (class, student): finished sessions of the class since they joined it, and how
    many of those they took part in. One query for every class and student."""
    held = and_(
        col(ClassSession.classroom_id) == col(ClassroomStudent.classroom_id),
        col(ClassSession.status) == SessionStatus.COMPLETED,
        col(ClassSession.started_at) >= col(ClassroomStudent.enrolled_at),
    )
    joined = and_(
        col(SessionParticipant.session_id) == col(ClassSession.id),
        col(SessionParticipant.user_id) == col(ClassroomStudent.student_id),
    )
    rows = await session.exec(
        select(
            ClassroomStudent.classroom_id,
            ClassroomStudent.student_id,
            func.count(col(ClassSession.id)),
            func.count(col(SessionParticipant.id)),
        )
        .select_from(ClassroomStudent)
        .join(ClassSession, held)
        .outerjoin(SessionParticipant, joined)
        .where(
            col(ClassroomStudent.classroom_id).in_(class_ids),
            col(ClassroomStudent.student_id).in_(student_ids),
        )
        .group_by(col(ClassroomStudent.classroom_id), col(ClassroomStudent.student_id))
    )
    found: dict[tuple[int, int], int | None] = {}
    for classroom_id, student_id, sessions_held, attended in rows:
        found[(classroom_id, student_id)] = (
            round(100 * attended / sessions_held) if sessions_held else None
        )
    return found


async def performance(context: Context, class_id: int, bars: Thresholds) -> ClassPerformance:
    user = await current_user(context)
    require_role(user, STAFF)
    bars.check()
    async with context.state.sessions() as session:
        classroom = await classroom_of(session, user, class_id)
        return (await _performances(session, [classroom], bars))[class_id]


async def school_performance(
    context: Context, school_id: int, bars: Thresholds, limit: int, offset: int
) -> Page[ClassPerformance]:
    """How each class of a school is doing, by name: the school's admins and super admins
    (the per-class table of the school dashboard)."""
    user = await current_user(context)
    require_role(user, ADMINS)
    require_school(user, school_id)  # another school's admin is told it does not exist
    check_window(limit, offset)
    bars.check()
    in_school = col(Classroom.school_id) == school_id
    async with context.state.sessions() as session:
        if await session.get(School, school_id) is None:
            raise NotFound(
                "The requested school does not exist",
                details={"school_id": [f"School with ID {school_id} not found"]},
            )
        total = (
            await session.exec(select(func.count()).select_from(Classroom).where(in_school))
        ).one()
        rooms = list(
            await session.exec(
                select(Classroom)
                .where(in_school)
                .order_by(col(Classroom.name), col(Classroom.id))
                .limit(limit)
                .offset(offset)
            )
        )
        found = await _performances(session, rooms, bars)
    items = [found[room.id] for room in rooms if room.id is not None]
    return Page(items=items, limit=limit, offset=offset, total=int(total))


async def my_classes_performance(
    context: Context, class_ids: list[int], bars: Thresholds
) -> dict[int, ClassPerformance | None]:
    """How each of the teacher's classes in `class_ids` is doing (None for a class of
    someone else's): the same statements for one class or twenty."""
    user = await current_user(context)
    require_role(user, {Role.TEACHER})
    bars.check()
    async with context.state.sessions() as session:
        mine = await _taught(session, user, class_ids)
        rooms = (
            await session.exec(select(Classroom).where(col(Classroom.id).in_(sorted(mine))))
        ).all()
        found = await _performances(session, list(rooms), bars)
    return {class_id: found.get(class_id) for class_id in class_ids}


async def _performances(
    session: AsyncSession, classrooms: list[Classroom], bars: Thresholds
) -> dict[int, ClassPerformance]:
    """Each class's averages and lists: three statements whatever the number of classes."""
    ids = [room.id for room in classrooms if room.id is not None]
    lessons_total = dict(
        (
            await session.exec(
                select(ClassroomSubject.classroom_id, func.count(col(Lesson.id)))
                .join(Topic, col(Topic.subject_id) == col(ClassroomSubject.subject_id))
                .join(Lesson, col(Lesson.topic_id) == col(Topic.id))
                .where(col(ClassroomSubject.classroom_id).in_(ids))
                .group_by(col(ClassroomSubject.classroom_id))
            )
        ).all()
    )
    members: dict[int, list[User]] = {class_id: [] for class_id in ids}
    for classroom_id, student in await session.exec(
        select(ClassroomStudent.classroom_id, User)
        .join(User, col(User.id) == col(ClassroomStudent.student_id))
        .where(col(ClassroomStudent.classroom_id).in_(ids))
    ):
        members[classroom_id].append(student)
    done = func.sum(case((col(LessonProgress.status) == ProgressStatus.COMPLETED, 1), else_=0))
    figures = {
        (classroom_id, student_id): (score, int(completed or 0))
        for classroom_id, student_id, score, completed in await session.exec(
            select(
                ClassroomStudent.classroom_id,
                LessonProgress.student_id,
                func.avg(LessonProgress.score),
                done,
            )
            .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
            .join(Topic, col(Topic.id) == col(Lesson.topic_id))
            .join(
                ClassroomStudent,
                col(ClassroomStudent.student_id) == col(LessonProgress.student_id),
            )
            .join(
                ClassroomSubject,
                and_(
                    col(ClassroomSubject.classroom_id) == col(ClassroomStudent.classroom_id),
                    col(ClassroomSubject.subject_id) == col(Topic.subject_id),
                ),
            )
            .where(col(ClassroomStudent.classroom_id).in_(ids))
            .group_by(col(ClassroomStudent.classroom_id), col(LessonProgress.student_id))
        )
    }
    return {
        room.id: _standing_of(
            room, members[room.id], figures, int(lessons_total.get(room.id, 0)), bars
        )
        for room in classrooms
        if room.id is not None
    }


def _standing_of(
    classroom: Classroom,
    students: list[User],
    figures: dict[tuple[int, int], tuple[float | None, int]],
    lessons_total: int,
    bars: Thresholds,
) -> ClassPerformance:
    assert classroom.id is not None
    standings, scores = [], []
    for student in students:
        assert student.id is not None
        score, completed = figures.get((classroom.id, student.id), (None, 0))
        if score is not None:
            scores.append(float(score))
        progress = round(100 * completed / lessons_total) if lessons_total else 0
        standings.append(
            StudentStanding(
                student.id, _name(student), None if score is None else round(score), progress
            )
        )
    top = sorted(
        (s for s in standings if (s.average_score or 0) >= bars.top_score),
        key=lambda s: (-(s.average_score or 0), -s.progress, s.student_id),
    )
    support = sorted(
        (
            s
            for s in standings
            if (s.average_score is not None and s.average_score < bars.support_score)
            or s.progress < bars.support_progress
        ),
        key=lambda s: (s.average_score or 0, s.progress, s.student_id),
    )
    # Averages of the students' own figures: each student weighs the same.
    average = round(sum(scores) / len(scores), 1) if scores else None
    return ClassPerformance(
        class_id=classroom.id,
        class_name=classroom.name,
        average_score=average,
        average_progress=round(sum(s.progress for s in standings) / len(standings))
        if standings
        else 0,
        top_performers=top[: bars.size],
        needs_support=support[: bars.size],
        student_count=len(students),
    )
