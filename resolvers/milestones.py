"""Rule-based milestones (docs/api.md, Milestones), checked whenever a learner's progress
is recorded, inside that same transaction: each new unlock is a `milestone_unlocks` row and a
`student.milestone_unlocked` event in the outbox, so the webhook fires exactly when the
unlock is committed. The rules are rows of `milestones`; their `rule` names one of the
checks below and `threshold` its bar."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ground.ids import new_id
from models.curriculum import Lesson, Topic
from models.db import upsert
from models.enums import ProgressStatus
from models.events import OutboxEvent
from models.learning import LearningEvent, LessonProgress, Milestone, MilestoneUnlock

# A streak longer than this is not looked for (the query stays bounded).
LONGEST_STREAK = 366


@dataclass(frozen=True)
class MilestoneEntry:
    """An unlocked milestone, titled with the topic or subject it was earned in."""

    id: str
    title: str
    unlocked_at: datetime


@dataclass(frozen=True)
class Progressed:
    """Where a learner stands after a recorded step, for the rules to compare."""

    student_id: int
    school_id: int | None
    topic: Topic
    subject_name: str


async def _completed(session: AsyncSession, student_id: int, *where: object) -> int:
    statement = (
        select(func.count())
        .select_from(LessonProgress)
        .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
        .join(Topic, col(Topic.id) == col(Lesson.topic_id))
        .where(
            col(LessonProgress.student_id) == student_id,
            col(LessonProgress.status) == ProgressStatus.COMPLETED,
            *where,  # type: ignore[arg-type]
        )
    )
    return int((await session.exec(statement)).one())


async def _lesson_count(session: AsyncSession, *where: object) -> int:
    statement = (
        select(func.count())
        .select_from(Lesson)
        .join(Topic, col(Topic.id) == col(Lesson.topic_id))
        .where(*where)  # type: ignore[arg-type]
    )
    return int((await session.exec(statement)).one())


def streak(days: set[date], today: date) -> int:
    """Consecutive study days ending today (or yesterday: today is not over yet)."""
    day = today if today in days else today - timedelta(days=1)
    length = 0
    while day in days:
        length += 1
        day -= timedelta(days=1)
    return length


async def _streak(session: AsyncSession, student_id: int, now: datetime) -> int:
    since = now - timedelta(days=LONGEST_STREAK)
    times = await session.exec(
        select(LearningEvent.accessed_at).where(
            col(LearningEvent.student_id) == student_id, col(LearningEvent.accessed_at) >= since
        )
    )
    return streak({moment.date() for moment in times}, now.date())


async def subject_finished(session: AsyncSession, student_id: int, subject_id: int) -> bool:
    where = col(Topic.subject_id) == subject_id
    total = await _lesson_count(session, where)
    return total > 0 and await _completed(session, student_id, where) >= total


async def unlock_due(
    session: AsyncSession, progressed: Progressed, now: datetime
) -> list[MilestoneEntry]:
    """Unlocks every milestone the learner has newly reached. A concurrent request that
    reaches the same milestone inserts nothing (ON CONFLICT), so it is announced once."""
    topic = progressed.topic
    assert topic.id is not None
    rules = (await session.exec(select(Milestone).order_by(col(Milestone.id)))).all()
    student_id = progressed.student_id
    figures: dict[str, tuple[int, int, str]] = {}  # rule -> (value, scope, title suffix)
    for rule in {milestone.rule for milestone in rules}:
        if rule == "lessons_completed":
            figures[rule] = (await _completed(session, student_id), 0, "")
        elif rule == "topic_completed":
            where = col(Lesson.topic_id) == topic.id
            done = await _completed(session, student_id, where)
            finished = done >= await _lesson_count(session, where)
            figures[rule] = (int(finished), topic.id, f": {topic.name}")
        elif rule == "subject_completed":
            finished = await subject_finished(session, student_id, topic.subject_id)
            figures[rule] = (int(finished), topic.subject_id, f": {progressed.subject_name}")
        elif rule == "streak_days":
            figures[rule] = (await _streak(session, student_id, now), 0, "")
    unlocked = []
    for milestone in rules:
        if milestone.rule not in figures:
            continue  # a rule this version does not know: never unlocked by accident
        value, scope, suffix = figures[milestone.rule]
        if value < milestone.threshold:
            continue
        inserted = await session.exec(
            upsert(session, MilestoneUnlock)
            .values(
                student_id=student_id, milestone_id=milestone.id, scope_id=scope, unlocked_at=now
            )
            .on_conflict_do_nothing(index_elements=["student_id", "milestone_id", "scope_id"])
            .returning(col(MilestoneUnlock.id))
        )
        if inserted.first() is None:
            continue  # unlocked before
        entry = MilestoneEntry(milestone.id, milestone.title + suffix, now)
        unlocked.append(entry)
        session.add(_event(progressed, entry))
    return unlocked


def _event(progressed: Progressed, entry: MilestoneEntry) -> OutboxEvent:
    event_id = new_id("evt")
    stamp = entry.unlocked_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # always UTC here
    return OutboxEvent(
        id=event_id,
        event_type="student.milestone_unlocked",
        school_id=progressed.school_id,
        payload={
            "event_type": "student.milestone_unlocked",
            "event_id": event_id,
            "timestamp": stamp,
            "data": {
                "student_id": progressed.student_id,
                "milestone": entry.title,
                "milestone_id": entry.id,
                "unlocked_at": stamp,
            },
        },
        created_at=entry.unlocked_at,
    )


async def unlocked_of(
    session: AsyncSession, student_id: int, subject_id: int, topics: dict[int, str], subject: str
) -> list[MilestoneEntry]:
    """The learner's milestones as a subject's progress shows them: the general ones, and
    those earned in this subject or its topics."""
    rows = await session.exec(
        select(MilestoneUnlock, Milestone.title, Milestone.rule)
        .join(Milestone, col(Milestone.id) == col(MilestoneUnlock.milestone_id))
        .where(col(MilestoneUnlock.student_id) == student_id)
        .order_by(col(MilestoneUnlock.unlocked_at), col(MilestoneUnlock.id))
    )
    entries = []
    for unlock, title, rule in rows:
        if rule == "topic_completed":
            if unlock.scope_id not in topics:
                continue
            title = f"{title}: {topics[unlock.scope_id]}"
        elif rule == "subject_completed":
            if unlock.scope_id != subject_id:
                continue
            title = f"{title}: {subject}"
        entries.append(MilestoneEntry(unlock.milestone_id, title, unlock.unlocked_at))
    return entries
