"""A learner's own screens: the dashboard, progress in one subject, the
learning history and "continue where I stopped". Students and independent learners only,
and only ever about themselves: there is no student id to ask for."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound
from ground.ids import new_id
from models.classrooms import SubjectEnrollment
from models.curriculum import GradeClass, Lesson, Subject, Topic
from models.db import transaction
from models.enums import EnrollmentStatus, ProgressStatus
from models.identity import School, User
from models.learning import LearningEvent, LessonProgress
from models.sessions import ClassSession, SessionParticipant
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.milestones import MilestoneEntry, unlocked_of
from resolvers.pagination import Page, check_window
from resolvers.permissions import LEARNERS, require_role


@dataclass(frozen=True)
class SubjectSummary:
    """A subject the learner takes, with how far they are."""

    id: int
    name: str
    progress_percent: int
    lessons_completed: int
    lessons_total: int
    last_studied: datetime | None


@dataclass(frozen=True)
class NextLesson:
    """The lesson to go on with: the last one left unfinished, else the next one not started."""

    lesson_id: int
    lesson_title: str
    subject: str
    progress: str  # partially_completed or not_started


@dataclass(frozen=True)
class Dashboard:
    """The learner's home screen."""

    student_id: int
    name: str
    avatar: str | None
    class_name: str | None
    school: str | None
    current_subjects: list[SubjectSummary]
    continue_learning: NextLesson | None


@dataclass(frozen=True)
class LessonState:
    """A lesson of the subject as the learner left it."""

    id: int
    title: str
    status: ProgressStatus
    score: int | None  # whole percent, as the screens show it


@dataclass(frozen=True)
class TopicProgress:
    """A topic's share of lessons completed, with its lessons."""

    id: int
    name: str
    progress: int
    lessons: list[LessonState]


@dataclass(frozen=True)
class SubjectProgress:
    """Progress in one subject, topic by topic, and the milestones earned."""

    subject_id: int
    subject_name: str
    overall_progress: int
    topics: list[TopicProgress]
    milestones: list[MilestoneEntry]


@dataclass(frozen=True)
class HistoryEntry:
    """One visit to a lesson."""

    id: str
    lesson_id: int
    lesson_title: str
    subject: str
    class_name: str
    accessed_at: datetime
    duration_minutes: int
    status: ProgressStatus
    score: int | None  # whole percent


@dataclass(frozen=True)
class Position:
    """Where in the lesson the learner stopped."""

    block_index: int
    timestamp: datetime


@dataclass(frozen=True)
class Resumed:
    """The learning session to resume in, and where."""

    session_id: str
    lesson_id: int
    lesson_title: str
    subject: str
    last_position: Position
    resume_url: str


def whole(score: float | None) -> int | None:
    return None if score is None else round(score)


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


async def _learner(context: Context) -> User:
    user = await current_user(context)
    require_role(user, LEARNERS)
    return user


def _subject_lessons() -> Any:
    return select(Topic.subject_id, func.count(col(Lesson.id))).join(
        Lesson, col(Lesson.topic_id) == col(Topic.id)
    )


async def dashboard(context: Context) -> Dashboard:
    user = await _learner(context)
    async with context.state.sessions() as session:
        school = await session.get(School, user.school_id) if user.school_id else None
        subjects = (
            await session.exec(
                select(Subject.id, Subject.name)
                .join(SubjectEnrollment, col(SubjectEnrollment.subject_id) == col(Subject.id))
                .where(
                    col(SubjectEnrollment.student_id) == user.id,
                    col(SubjectEnrollment.status) != EnrollmentStatus.WITHDRAWN,
                )
            )
        ).all()
        ids = [subject_id for subject_id, _ in subjects]
        totals = dict(
            (
                await session.exec(
                    _subject_lessons()
                    .where(col(Topic.subject_id).in_(ids))
                    .group_by(col(Topic.subject_id))
                )
            ).all()
        )
        done = func.sum(case((col(LessonProgress.status) == ProgressStatus.COMPLETED, 1), else_=0))
        studied: dict[int, tuple[int, datetime | None]] = {
            subject_id: (int(completed or 0), last)
            for subject_id, completed, last in await session.exec(
                select(Topic.subject_id, done, func.max(LessonProgress.updated_at))
                .join(Lesson, col(Lesson.topic_id) == col(Topic.id))
                .join(LessonProgress, col(LessonProgress.lesson_id) == col(Lesson.id))
                .where(col(LessonProgress.student_id) == user.id, col(Topic.subject_id).in_(ids))
                .group_by(col(Topic.subject_id))
            )
        }
        following = await _next_lesson(session, user)
    summaries = []
    for subject_id, name in subjects:
        assert subject_id is not None
        completed, last = studied.get(subject_id, (0, None))
        total = int(totals.get(subject_id, 0))
        summaries.append(
            SubjectSummary(subject_id, name, percent(completed, total), completed, total, last)
        )
    # Most recently studied first; subjects not started yet after them, by id.
    summaries.sort(key=lambda s: (s.last_studied is None, -_stamp(s.last_studied), s.id))
    assert user.id is not None
    return Dashboard(
        student_id=user.id,
        name=f"{user.first_name} {user.last_name}",
        avatar=user.avatar_url,
        class_name=user.grade,
        school=school.name if school else None,
        current_subjects=summaries,
        continue_learning=following[0] if following else None,
    )


def _stamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def _next_lesson(
    session: AsyncSession, user: User
) -> tuple[NextLesson, Lesson, LessonProgress | None] | None:
    """The lesson left unfinished most recently; if none, the first lesson not yet started
    of a subject the learner is still taking."""
    unfinished = (
        await session.exec(
            select(LessonProgress, Lesson, Subject.name)
            .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
            .join(Topic, col(Topic.id) == col(Lesson.topic_id))
            .join(Subject, col(Subject.id) == col(Topic.subject_id))
            .where(
                col(LessonProgress.student_id) == user.id,
                col(LessonProgress.status) != ProgressStatus.COMPLETED,
            )
            .order_by(col(LessonProgress.updated_at).desc(), col(LessonProgress.id).desc())
            .limit(1)
        )
    ).first()
    if unfinished is not None:
        progress, lesson, subject = unfinished
        assert lesson.id is not None
        return NextLesson(lesson.id, lesson.title, subject, "partially_completed"), lesson, progress
    started = select(LessonProgress.lesson_id).where(col(LessonProgress.student_id) == user.id)
    fresh = (
        await session.exec(
            select(Lesson, Subject.name)
            .join(Topic, col(Topic.id) == col(Lesson.topic_id))
            .join(Subject, col(Subject.id) == col(Topic.subject_id))
            .join(SubjectEnrollment, col(SubjectEnrollment.subject_id) == col(Subject.id))
            .where(
                col(SubjectEnrollment.student_id) == user.id,
                col(SubjectEnrollment.status) == "active",
                col(Lesson.id).not_in(started),
            )
            .order_by(
                col(SubjectEnrollment.updated_at).desc(),
                col(Topic.term_number),
                col(Topic.order),
                col(Lesson.order),
                col(Lesson.id),
            )
            .limit(1)
        )
    ).first()
    if fresh is None:
        return None
    lesson, subject = fresh
    assert lesson.id is not None
    return NextLesson(lesson.id, lesson.title, subject, "not_started"), lesson, None


def _missing_subject(subject_id: int) -> NotFound:
    return NotFound(
        "The requested subject does not exist",
        details={"subject_id": [f"You are not taking a subject with ID {subject_id}"]},
    )


async def subject_progress(context: Context, subject_id: int) -> SubjectProgress:
    user = await _learner(context)
    assert user.id is not None
    async with context.state.sessions() as session:
        subject = await session.get(Subject, subject_id)
        taking = (
            await session.exec(
                select(SubjectEnrollment.id).where(
                    col(SubjectEnrollment.student_id) == user.id,
                    col(SubjectEnrollment.subject_id) == subject_id,
                )
            )
        ).first()
        if subject is None or taking is None:
            raise _missing_subject(subject_id)
        rows = (
            await session.exec(
                select(Topic, Lesson)
                .join(Lesson, col(Lesson.topic_id) == col(Topic.id))
                .where(col(Topic.subject_id) == subject_id)
                .order_by(col(Topic.term_number), col(Topic.order), col(Topic.id))
                .order_by(col(Lesson.order), col(Lesson.id))
            )
        ).all()
        progress = {
            row.lesson_id: row
            for row in await session.exec(
                select(LessonProgress).where(
                    col(LessonProgress.student_id) == user.id,
                    col(LessonProgress.lesson_id).in_([lesson.id for _, lesson in rows]),
                )
            )
        }
        topics: dict[int, tuple[Topic, list[LessonState]]] = {}
        for topic, lesson in rows:
            assert topic.id is not None and lesson.id is not None
            mine = progress.get(lesson.id)
            state = LessonState(
                lesson.id,
                lesson.title,
                ProgressStatus(mine.status) if mine else ProgressStatus.NOT_STARTED,
                whole(mine.score if mine else None),
            )
            topics.setdefault(topic.id, (topic, []))[1].append(state)
        milestones = await unlocked_of(
            session,
            user.id,
            subject_id,
            {topic_id: topic.name for topic_id, (topic, _) in topics.items()},
            subject.name,
        )
    done = sum(1 for row in progress.values() if row.status == ProgressStatus.COMPLETED)
    return SubjectProgress(
        subject_id=subject_id,
        subject_name=subject.name,
        overall_progress=percent(done, len(rows)),
        topics=[
            TopicProgress(
                topic_id,
                topic.name,
                percent(
                    sum(1 for s in states if s.status == ProgressStatus.COMPLETED), len(states)
                ),
                states,
            )
            for topic_id, (topic, states) in topics.items()
        ],
        milestones=milestones,
    )


async def history(context: Context, limit: int, offset: int) -> Page[HistoryEntry]:
    """Visits to lessons, newest first."""
    user = await _learner(context)
    check_window(limit, offset)
    mine = col(LearningEvent.student_id) == user.id
    async with context.state.sessions() as session:
        total = (
            await session.exec(select(func.count()).select_from(LearningEvent).where(mine))
        ).one()
        rows = await session.exec(
            select(LearningEvent, Lesson.title, Subject.name, GradeClass.grade)
            .join(Lesson, col(Lesson.id) == col(LearningEvent.lesson_id))
            .join(Topic, col(Topic.id) == col(Lesson.topic_id))
            .join(Subject, col(Subject.id) == col(Topic.subject_id))
            .join(GradeClass, col(GradeClass.id) == col(Subject.class_id))
            .where(mine)
            .order_by(col(LearningEvent.accessed_at).desc(), col(LearningEvent.id).desc())
            .limit(limit)
            .offset(offset)
        )
        items = [
            HistoryEntry(
                id=event.id,
                lesson_id=event.lesson_id,
                lesson_title=title,
                subject=subject,
                class_name=grade,
                accessed_at=event.accessed_at,
                duration_minutes=round(event.duration_minutes),
                status=ProgressStatus(event.status),
                score=whole(event.score),
            )
            for event, title, subject, grade in rows
        ]
    return Page(items=items, limit=limit, offset=offset, total=int(total))


async def continue_learning(context: Context) -> Resumed:
    """Resumes the lesson to go on with in a learning session of the learner's own: the one
    already open for that lesson, else a new one."""
    user = await _learner(context)
    assert user.id is not None
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        following = await _next_lesson(session, user)
        if following is None:
            raise NotFound(
                "There is nothing to continue: no lesson is unfinished or left to start",
                details={"lesson_id": ["No unfinished lesson"]},
            )
        target, lesson, progress = following
        topic = await session.get(Topic, lesson.topic_id)
        subject = await session.get(Subject, topic.subject_id) if topic else None
        assert topic is not None and subject is not None
        open_session = (
            await session.exec(
                select(ClassSession).where(
                    col(ClassSession.owner_id) == user.id,
                    col(ClassSession.classroom_id).is_(None),
                    col(ClassSession.lesson_id) == lesson.id,
                    col(ClassSession.status) == "active",
                )
            )
        ).first()
        if open_session is None:
            open_session = ClassSession(
                id=new_id("sess"),
                classroom_id=None,
                owner_id=user.id,
                class_id=subject.class_id,
                subject_id=subject.id,
                topic_id=topic.id,
                lesson_id=lesson.id,
                name=f"Continue: {lesson.title}"[:200],
                mode="teach",
                started_at=now,
            )
            session.add(open_session)
            await session.flush()
            session.add(
                SessionParticipant(session_id=open_session.id, user_id=user.id, role=user.role)
            )
    base = context.state.settings.frontend_base_url.rstrip("/")
    return Resumed(
        session_id=open_session.id,
        lesson_id=target.lesson_id,
        lesson_title=target.lesson_title,
        subject=target.subject,
        last_position=Position(
            block_index=progress.block_index if progress else 0,
            timestamp=progress.updated_at if progress else now,
        ),
        resume_url=f"{base}/learn/session/{open_session.id}",
    )
