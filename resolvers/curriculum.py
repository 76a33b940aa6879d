"""The catalogue: curricula, classes, subjects, topics, lessons and
lesson content. Any signed-in user may read it; it is common to every school."""

from datetime import UTC, datetime

from sqlmodel import col, select

from ground.errors import NotFound, ValidationFailed
from ground.ids import new_id
from models.curriculum import Curriculum, GradeClass, Lesson, Subject, Topic
from models.db import transaction, upsert
from models.enums import ProgressStatus, Role
from models.learning import LearningEvent, LessonProgress
from resolvers import catalogue
from resolvers.authentication import current_user
from resolvers.calendar import current_term
from resolvers.context import Context
from resolvers.field_limits import TERM
from resolvers.pagination import Page, paginate


def not_found(what: str, parameter: str, key: int) -> NotFound:
    return NotFound(
        f"The requested {what.lower()} does not exist",
        details={parameter: [f"{what} with ID {key} not found"]},
    )


async def curricula(
    context: Context, *, country: str | None, active_only: bool, limit: int, offset: int
) -> Page[catalogue.Curriculum]:
    await current_user(context)
    statement = select(Curriculum).order_by(col(Curriculum.id))
    if country:
        statement = statement.where(col(Curriculum.country) == country.strip().upper())
    if active_only:
        statement = statement.where(col(Curriculum.is_active).is_(True))
    async with context.state.sessions() as session:
        page = await paginate(session, statement, limit, offset)
    return page.map(catalogue.curriculum_of)


async def classes(
    context: Context, *, curriculum_id: int, grade: str | None, limit: int, offset: int
) -> Page[catalogue.GradeClass]:
    await current_user(context)
    statement = select(GradeClass).where(col(GradeClass.curriculum_id) == curriculum_id)
    if grade:
        statement = statement.where(col(GradeClass.grade) == grade.strip())
    async with context.state.sessions() as session:
        if await session.get(Curriculum, curriculum_id) is None:
            raise not_found("Curriculum", "curriculum_id", curriculum_id)
        page = await paginate(
            session, statement.order_by(col(GradeClass.order), col(GradeClass.id)), limit, offset
        )
    return page.map(catalogue.class_of)


async def subjects(
    context: Context, *, class_id: int, limit: int, offset: int
) -> Page[catalogue.Subject]:
    await current_user(context)
    statement = select(Subject).where(col(Subject.class_id) == class_id).order_by(col(Subject.id))
    async with context.state.sessions() as session:
        if await session.get(GradeClass, class_id) is None:
            raise not_found("Class", "class_id", class_id)
        page = await paginate(session, statement, limit, offset)
    return page.map(catalogue.subject_of)


async def topics(
    context: Context, *, class_subject_id: int, term_id: int | None, limit: int, offset: int
) -> Page[catalogue.Topic]:
    await current_user(context)
    if term_id is not None and not TERM.fits(term_id):
        raise ValidationFailed(details={"term_id": ["Must be 1, 2 or 3."]})
    async with context.state.sessions() as session:
        country = (
            await session.exec(
                select(Curriculum.country)
                .join(GradeClass, col(GradeClass.curriculum_id) == col(Curriculum.id))
                .join(Subject, col(Subject.class_id) == col(GradeClass.id))
                .where(col(Subject.id) == class_subject_id)
            )
        ).first()
        if country is None:
            raise not_found("Subject", "class_subject_id", class_subject_id)
        if term_id is None:  # the contract's default: the term the country is in today
            term_id = await current_term(session, country, datetime.now(UTC).date())
        statement = select(Topic).where(col(Topic.subject_id) == class_subject_id)
        if term_id is not None:
            statement = statement.where(col(Topic.term_number) == term_id)
        statement = statement.order_by(col(Topic.term_number), col(Topic.order), col(Topic.id))
        page = await paginate(session, statement, limit, offset)
    return page.map(catalogue.topic_of)


async def lessons(
    context: Context, *, topic_id: int, limit: int, offset: int
) -> Page[catalogue.Lesson]:
    await current_user(context)
    statement = (
        select(Lesson)
        .where(col(Lesson.topic_id) == topic_id)
        .order_by(col(Lesson.order), col(Lesson.id))
    )
    async with context.state.sessions() as session:
        if await session.get(Topic, topic_id) is None:
            raise not_found("Topic", "topic_id", topic_id)
        page = await paginate(session, statement, limit, offset)
    return page.map(catalogue.lesson_of)


async def lesson_content(context: Context, *, lesson_id: int) -> catalogue.Lesson:
    """A lesson to study. A learner's visit is recorded in one transaction: a learning
    history entry, and their progress row touched (created on the first visit)."""
    user = await current_user(context)
    lesson = await context.loaders.lesson.load(lesson_id)
    if lesson is None:
        raise not_found("Lesson", "lesson_id", lesson_id)
    if user.role in (Role.STUDENT, Role.INDEPENDENT_LEARNER):
        await _record_visit(context, user.id, lesson_id)  # type: ignore[arg-type]
    return catalogue.lesson_of(lesson)


async def _record_visit(context: Context, student_id: int, lesson_id: int) -> None:
    now = datetime.now(UTC)
    async with transaction(context.state.sessions) as session:
        session.add(
            LearningEvent(
                id=new_id("h"), student_id=student_id, lesson_id=lesson_id, accessed_at=now
            )
        )
        await session.exec(
            upsert(session, LessonProgress)
            .values(
                student_id=student_id,
                lesson_id=lesson_id,
                status=ProgressStatus.IN_PROGRESS,
                block_index=0,
                minutes_spent=0,
                started_at=now,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["student_id", "lesson_id"], set_={"updated_at": now}
            )
        )
