"""A school's sections of a class, who teaches and attends them, subject enrolments
(the analytics "courses") and assignments."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ground.clock import utcnow
from models.base import json_column


class Classroom(SQLModel, table=True):
    __tablename__ = "classrooms"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    class_id: int = Field(foreign_key="classes.id", index=True)
    name: str = Field(max_length=100, description='e.g. "Primary 6 - Section A"')
    academic_year: int
    # {"monday": ["09:00-10:30"], ...}: the weekly timetable, shown as-is.
    schedule: dict = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow)


class ClassroomTeacher(SQLModel, table=True):
    __tablename__ = "classroom_teachers"

    classroom_id: int = Field(foreign_key="classrooms.id", primary_key=True)
    teacher_id: int = Field(foreign_key="users.id", primary_key=True, index=True)


class ClassroomSubject(SQLModel, table=True):
    __tablename__ = "classroom_subjects"

    classroom_id: int = Field(foreign_key="classrooms.id", primary_key=True)
    subject_id: int = Field(foreign_key="subjects.id", primary_key=True)


class ClassroomStudent(SQLModel, table=True):
    __tablename__ = "classroom_students"

    classroom_id: int = Field(foreign_key="classrooms.id", primary_key=True)
    student_id: int = Field(foreign_key="users.id", primary_key=True, index=True)
    enrolled_at: datetime = Field(default_factory=utcnow)


class SubjectEnrollment(SQLModel, table=True):
    """A student taking a subject (in a classroom, or alone as an independent learner)."""

    __tablename__ = "subject_enrollments"
    __table_args__ = (UniqueConstraint("student_id", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="users.id", index=True)
    subject_id: int = Field(foreign_key="subjects.id", index=True)
    classroom_id: int | None = Field(default=None, foreign_key="classrooms.id", index=True)
    status: str = Field(default="active", max_length=12, description="active/completed/withdrawn")
    enrolled_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Assignment(SQLModel, table=True):
    __tablename__ = "assignments"

    id: str = Field(primary_key=True, max_length=40, description="a_...")
    classroom_id: int = Field(foreign_key="classrooms.id", index=True)
    teacher_id: int = Field(foreign_key="users.id")
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text)
    due_date: datetime
    status: str = Field(default="active", max_length=12)
    created_at: datetime = Field(default_factory=utcnow)


class AssignmentTopic(SQLModel, table=True):
    __tablename__ = "assignment_topics"

    assignment_id: str = Field(foreign_key="assignments.id", primary_key=True)
    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
