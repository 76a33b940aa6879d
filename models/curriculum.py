"""The catalogue: curricula, school terms, classes (grade levels), subjects, topics,
lessons with ordered content blocks, quizzes and their questions."""

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ground.clock import utcnow
from models.base import json_column


class Curriculum(SQLModel, table=True):
    __tablename__ = "curricula"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, index=True)
    short_code: str = Field(max_length=20, unique=True)
    description: str | None = None
    grades: list = Field(default_factory=list, sa_column=json_column())
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Term(SQLModel, table=True):
    """One of the three terms of a school year in a country (the school calendar)."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("country", "year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    year: int
    number: int = Field(description="1, 2 or 3")
    starts_on: date
    ends_on: date


class GradeClass(SQLModel, table=True):
    """A grade level of a curriculum ("Primary 6"); a school's section of it is a Classroom."""

    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("curriculum_id", "grade"),)

    id: int | None = Field(default=None, primary_key=True)
    curriculum_id: int = Field(foreign_key="curricula.id", index=True)
    grade: str = Field(max_length=20)
    name: str = Field(max_length=100)
    description: str | None = None
    order: int = 0


class Subject(SQLModel, table=True):
    """A subject as taught in one class: the contract's `class_subject_id`."""

    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("class_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="classes.id", index=True)
    name: str = Field(max_length=100)
    code: str = Field(max_length=20)
    description: str | None = None


class Topic(SQLModel, table=True):
    __tablename__ = "topics"

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subjects.id", index=True)
    term_number: int = Field(description="1, 2 or 3: the term of the school year it is taught in")
    name: str = Field(max_length=200)
    description: str | None = None
    order: int = 0


class Lesson(SQLModel, table=True):
    __tablename__ = "lessons"

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topics.id", index=True)
    title: str = Field(max_length=200)
    order: int = 0
    duration_minutes: int = 30


class ContentBlock(SQLModel, table=True):
    __tablename__ = "content_blocks"
    __table_args__ = (UniqueConstraint("lesson_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", index=True)
    position: int
    type: str = Field(max_length=10, description="text, video or quiz")
    content: str | None = Field(default=None, sa_type=Text)
    url: str | None = Field(default=None, max_length=500)
    duration_seconds: int | None = None
    transcript: str | None = Field(default=None, sa_type=Text)
    quiz_id: int | None = Field(default=None, foreign_key="quizzes.id")


class Quiz(SQLModel, table=True):
    __tablename__ = "quizzes"

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", index=True)
    title: str = Field(max_length=200)


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_questions"

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quizzes.id", index=True)
    position: int = 0
    prompt: str = Field(sa_type=Text)
    question_type: str = Field(max_length=20, description="multiple_choice or short_answer")
    options: list = Field(default_factory=list, sa_column=json_column())
    answer: str = Field(max_length=500, description="the answer key; never sent to students")
    explanation: str | None = Field(default=None, sa_type=Text)
    difficulty: str = Field(default="medium", max_length=10)
