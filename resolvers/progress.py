"""Recording a learner's progress in a lesson: where they are, time spent, completion and
score. One transaction writes the progress row, the learning history (what the warehouse
loads), the subject enrollment when the last lesson is done, and any milestones unlocked
with their outbox events, so none of these can disagree with the others."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.errors import NotFound, ValidationFailed
from ground.ids import new_id
from models.classrooms import SubjectEnrollment
from models.curriculum import ContentBlock, Lesson, Subject, Topic
from models.db import transaction, upsert
from models.enums import EnrollmentStatus, ProgressStatus, Role
from models.identity import User
from models.learning import LearningEvent, LessonProgress
from resolvers.authentication import current_user
from resolvers.context import Context
from resolvers.milestones import MilestoneEntry, Progressed, subject_finished, unlock_due
from resolvers.permissions import LEARNERS, require_role

# More than this in one step is a client error (a tab left open), not study time.
MAX_MINUTES_PER_STEP = 240


@dataclass(frozen=True)
class Step:
    lesson_id: int
    block_index: int
    completed: bool = False
    score: float | None = None
    minutes_spent: float = 0


@dataclass(frozen=True)
class RecordedProgress:
    """The lesson's progress after the step, and the milestones it unlocked."""

    lesson_id: int
    status: ProgressStatus
    score: float | None
    block_index: int
    minutes_spent: float
    milestones_unlocked: list[MilestoneEntry]


def _check(step: Step, blocks: int) -> None:
    details = {}
    if not 0 <= step.block_index <= max(0, blocks - 1):
        details["block_index"] = [f"Must be between 0 and {max(0, blocks - 1)}."]
    if step.score is not None and not 0 <= step.score <= 100:
        details["score"] = ["Must be between 0 and 100."]
    if not 0 <= step.minutes_spent <= MAX_MINUTES_PER_STEP:
        details["minutes_spent"] = [f"Must be between 0 and {MAX_MINUTES_PER_STEP}."]
    if details:
        raise ValidationFailed(details=details)


async def enrollment_for(
    session: AsyncSession, user: User, subject_id: int
) -> SubjectEnrollment | None:
    """The learner's enrollment in the subject, if they may record progress in it: a school's
    student studies their own subjects only; an independent learner any (None: not yet)."""
    enrollment = (
        await session.exec(
            select(SubjectEnrollment).where(
                col(SubjectEnrollment.student_id) == user.id,
                col(SubjectEnrollment.subject_id) == subject_id,
            )
        )
    ).first()
    taking = enrollment is not None and enrollment.status != EnrollmentStatus.WITHDRAWN
    if not taking and user.role != Role.INDEPENDENT_LEARNER:
        raise ValidationFailed(
            details={"lesson_id": ["This lesson is not in one of your subjects."]}
        )
    return enrollment


async def record(context: Context, step: Step) -> RecordedProgress:
    user = await current_user(context)
    require_role(user, LEARNERS)
    assert user.id is not None
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        found = (
            await session.exec(
                select(Lesson, Topic, Subject)
                .join(Topic, col(Topic.id) == col(Lesson.topic_id))
                .join(Subject, col(Subject.id) == col(Topic.subject_id))
                .where(col(Lesson.id) == step.lesson_id)
            )
        ).first()
        if found is None:
            raise NotFound(
                "The requested lesson does not exist",
                details={"lesson_id": [f"Lesson with ID {step.lesson_id} not found"]},
            )
        lesson, topic, subject = found
        assert subject.id is not None
        blocks = (
            await session.exec(
                select(func.count())
                .select_from(ContentBlock)
                .where(col(ContentBlock.lesson_id) == lesson.id)
            )
        ).one()
        _check(step, int(blocks))
        enrollment = await enrollment_for(session, user, subject.id)
        if enrollment is None or enrollment.status == EnrollmentStatus.WITHDRAWN:
            # Independent learners choose what to study: studying a subject takes it up.
            enrollment = enrollment or SubjectEnrollment(student_id=user.id, subject_id=subject.id)
            enrollment.status, enrollment.status_changed_at = EnrollmentStatus.ACTIVE, now
        enrollment.updated_at = now
        session.add(enrollment)
        progress = await _save_progress(session, user.id, step, now)
        await _save_history(session, user.id, step, progress, now)
        newly_completed = step.completed and progress.completed_at == now
        if newly_completed and await subject_finished(session, user.id, subject.id):
            enrollment.status, enrollment.status_changed_at = EnrollmentStatus.COMPLETED, now
        unlocked = await unlock_due(
            session, Progressed(user.id, user.school_id, topic, subject.name), now
        )
    return RecordedProgress(
        lesson_id=step.lesson_id,
        status=ProgressStatus(progress.status),
        score=progress.score,
        block_index=progress.block_index,
        minutes_spent=progress.minutes_spent,
        milestones_unlocked=unlocked,
    )


async def _save_progress(
    session: AsyncSession, student_id: int, step: Step, now: datetime
) -> LessonProgress:
    # Created if missing first, then locked: two tabs recording at once add up their minutes.
    await session.exec(
        upsert(session, LessonProgress)
        .values(
            student_id=student_id,
            lesson_id=step.lesson_id,
            status=ProgressStatus.IN_PROGRESS,
            block_index=0,
            minutes_spent=0,
            started_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["student_id", "lesson_id"])
    )
    progress = (
        await session.exec(
            select(LessonProgress)
            .where(
                col(LessonProgress.student_id) == student_id,
                col(LessonProgress.lesson_id) == step.lesson_id,
            )
            .with_for_update()
        )
    ).one()
    progress.block_index = step.block_index
    progress.minutes_spent = round((progress.minutes_spent or 0) + step.minutes_spent, 1)
    if step.score is not None:
        progress.score = max(progress.score or 0, step.score)  # the best attempt counts
    if step.completed and progress.status != ProgressStatus.COMPLETED:
        progress.status, progress.completed_at = ProgressStatus.COMPLETED, now
    progress.updated_at = now
    session.add(progress)
    await session.flush()
    return progress


async def _save_history(
    session: AsyncSession, student_id: int, step: Step, progress: LessonProgress, now: datetime
) -> None:
    """The step belongs to the learner's latest open visit of the lesson (opened when they
    read its content); without one, the step is a visit of its own."""
    visit = (
        await session.exec(
            select(LearningEvent)
            .where(
                col(LearningEvent.student_id) == student_id,
                col(LearningEvent.lesson_id) == step.lesson_id,
                col(LearningEvent.status) != ProgressStatus.COMPLETED,
            )
            .order_by(col(LearningEvent.accessed_at).desc())
            .limit(1)
        )
    ).first() or LearningEvent(
        id=new_id("h"), student_id=student_id, lesson_id=step.lesson_id, accessed_at=now
    )
    visit.duration_minutes = round((visit.duration_minutes or 0) + step.minutes_spent, 1)
    if step.completed:
        visit.status = ProgressStatus.COMPLETED
    if step.score is not None:
        visit.score = step.score
    visit.updated_at = now  # the warehouse's watermark
    session.add(visit)
