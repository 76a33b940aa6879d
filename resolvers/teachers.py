"""A teacher's classrooms (grio-api-v1.txt §7.1-7.3): their classes, each class's students
with attendance, and how the class is doing. A class is open to its teachers, its school's
admins and super admins; anyone else is told it does not exist. Figures are computed from
the live tables (a teacher expects today's lesson to count today), a page at a time."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.scalars import JSON

from learnloom.errors import NotFound, ValidationFailed
from models.classrooms import (
    Classroom,
    ClassroomStudent,
    ClassroomSubject,
    ClassroomTeacher,
    SubjectEnrollment,
)
from models.curriculum import GradeClass, Lesson, Topic
from models.enums import Role
from models.identity import User
from models.learning import LessonProgress
from models.sessions import ClassSession, SessionParticipant
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.pagination import Page, check_window
from resolvers.permissions import STAFF, require_role
from resolvers.sessions import may_teach


@dataclass(frozen=True)
class TeacherClass:
    """A classroom the teacher teaches."""

    id: int
    name: str
    grade: str
    subject_ids: list[int]
    student_count: int
    schedule: JSON  # {"monday": ["09:00-10:30"], ...} as the school entered it


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
            if not 0 <= value <= 100
        }
        if not 1 <= self.size <= 100:
            details["size"] = ["Must be between 1 and 100."]
        if details:
            raise ValidationFailed(details=details)


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
    of_class = col(ClassroomStudent.classroom_id) == class_id
    async with context.state.sessions() as session:
        await classroom_of(session, user, class_id)
        total = (
            await session.exec(select(func.count()).select_from(ClassroomStudent).where(of_class))
        ).one()
        members = (
            await session.exec(
                select(ClassroomStudent, User)
                .join(User, col(User.id) == col(ClassroomStudent.student_id))
                .where(of_class)
                .order_by(col(User.last_name), col(User.first_name), col(User.id))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        ids = [member.student_id for member, _ in members]
        taught = select(ClassroomSubject.subject_id).where(
            col(ClassroomSubject.classroom_id) == class_id
        )
        subjects: dict[int, list[int]] = {}
        for student_id, subject_id in await session.exec(
            select(SubjectEnrollment.student_id, SubjectEnrollment.subject_id)
            .where(
                col(SubjectEnrollment.student_id).in_(ids),
                col(SubjectEnrollment.subject_id).in_(taught),
                col(SubjectEnrollment.status) != "withdrawn",
            )
            .order_by(col(SubjectEnrollment.subject_id))
        ):
            subjects.setdefault(student_id, []).append(subject_id)
        attendance = await _attendance(session, class_id, ids)
    items = [
        ClassStudent(
            id=member.student_id,
            name=_name(student),
            enrollment_date=member.enrolled_at,
            subjects=subjects.get(member.student_id, []),
            attendance_percent=attendance.get(member.student_id),
        )
        for member, student in members
    ]
    return Page(items=items, limit=limit, offset=offset, total=int(total))


async def _attendance(
    session: AsyncSession, class_id: int, student_ids: list[int]
) -> dict[int, int | None]:
    """Per student: finished sessions of the class since they joined it, and how many of
    those they took part in. One query for the whole page."""
    held = and_(
        col(ClassSession.classroom_id) == col(ClassroomStudent.classroom_id),
        col(ClassSession.status) == "completed",
        col(ClassSession.started_at) >= col(ClassroomStudent.enrolled_at),
    )
    joined = and_(
        col(SessionParticipant.session_id) == col(ClassSession.id),
        col(SessionParticipant.user_id) == col(ClassroomStudent.student_id),
    )
    rows = await session.exec(
        select(
            ClassroomStudent.student_id,
            func.count(col(ClassSession.id)),
            func.count(col(SessionParticipant.id)),
        )
        .select_from(ClassroomStudent)
        .join(ClassSession, held)
        .outerjoin(SessionParticipant, joined)
        .where(
            col(ClassroomStudent.classroom_id) == class_id,
            col(ClassroomStudent.student_id).in_(student_ids),
        )
        .group_by(col(ClassroomStudent.student_id))
    )
    found: dict[int, int | None] = dict.fromkeys(student_ids)
    for student_id, sessions_held, attended in rows:
        found[student_id] = round(100 * attended / sessions_held) if sessions_held else None
    return found


async def performance(context: Context, class_id: int, bars: Thresholds) -> ClassPerformance:
    user = await current_user(context)
    require_role(user, STAFF)
    bars.check()
    async with context.state.sessions() as session:
        classroom = await classroom_of(session, user, class_id)
        in_class = select(ClassroomSubject.subject_id).where(
            col(ClassroomSubject.classroom_id) == class_id
        )
        lessons_total = (
            await session.exec(
                select(func.count(col(Lesson.id)))
                .join(Topic, col(Topic.id) == col(Lesson.topic_id))
                .where(col(Topic.subject_id).in_(in_class))
            )
        ).one()
        students = (
            await session.exec(
                select(User)
                .join(ClassroomStudent, col(ClassroomStudent.student_id) == col(User.id))
                .where(col(ClassroomStudent.classroom_id) == class_id)
            )
        ).all()
        done = func.sum(case((col(LessonProgress.status) == "completed", 1), else_=0))
        figures = {
            student_id: (score, int(completed or 0))
            for student_id, score, completed in await session.exec(
                select(LessonProgress.student_id, func.avg(LessonProgress.score), done)
                .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
                .join(Topic, col(Topic.id) == col(Lesson.topic_id))
                .join(
                    ClassroomStudent,
                    col(ClassroomStudent.student_id) == col(LessonProgress.student_id),
                )
                .where(
                    col(ClassroomStudent.classroom_id) == class_id,
                    col(Topic.subject_id).in_(in_class),
                )
                .group_by(col(LessonProgress.student_id))
            )
        }
    standings, scores = [], []
    for student in students:
        assert student.id is not None
        score, completed = figures.get(student.id, (None, 0))
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
    assert classroom.id is not None
    return ClassPerformance(
        class_id=classroom.id,
        class_name=classroom.name,
        average_score=average,
        average_progress=round(sum(s.progress for s in standings) / len(standings))
        if standings
        else 0,
        top_performers=top[: bars.size],
        needs_support=support[: bars.size],
    )
