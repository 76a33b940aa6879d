"""What students do: progress per lesson, the learning history (the analytics
activities and scores), milestones and their unlocks."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ground.clock import utcnow


class LessonProgress(SQLModel, table=True):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("student_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="users.id", index=True)
    lesson_id: int = Field(foreign_key="lessons.id", index=True)
    status: str = Field(default="in_progress", max_length=12)
    score: float | None = Field(default=None, description="0-100, best quiz score")
    block_index: int = Field(default=0, description="where the student stopped, for continue")
    minutes_spent: float = 0
    started_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class LearningEvent(SQLModel, table=True):
    """One visit to a lesson (`h_...`): the learning history and the warehouse's activity."""

    __tablename__ = "learning_history"

    id: str = Field(primary_key=True, max_length=40)
    student_id: int = Field(foreign_key="users.id", index=True)
    lesson_id: int = Field(foreign_key="lessons.id", index=True)
    session_id: str | None = Field(default=None, foreign_key="class_sessions.id")
    accessed_at: datetime = Field(default_factory=utcnow, index=True)
    duration_minutes: float = 0
    status: str = Field(default="in_progress", max_length=12)
    score: float | None = Field(default=None, description="0-100 when a quiz was taken")
    # Set on every write; the warehouse loads only rows changed since its last watermark.
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Milestone(SQLModel, table=True):
    """A rule-based achievement, e.g. `m_001` "First 5 Lessons"."""

    __tablename__ = "milestones"

    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=200)
    rule: str = Field(max_length=32, description="lessons_completed, topic_completed, streak_days")
    threshold: int = 1


class MilestoneUnlock(SQLModel, table=True):
    __tablename__ = "milestone_unlocks"
    __table_args__ = (UniqueConstraint("student_id", "milestone_id", "scope_id"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="users.id", index=True)
    milestone_id: str = Field(foreign_key="milestones.id", max_length=32)
    scope_id: int = Field(default=0, description="topic or subject id for scoped rules, else 0")
    unlocked_at: datetime = Field(default_factory=utcnow)
