"""Types of a learner's own screens, made from the resolvers' result
classes (schema/results.py)."""

from resolvers.milestones import MilestoneEntry
from resolvers.progress import RecordedProgress
from resolvers.students import (
    Dashboard,
    HistoryEntry,
    LessonState,
    NextLesson,
    Position,
    Resumed,
    SubjectProgress,
    SubjectSummary,
    TopicProgress,
)
from schema.results import graphql_type

graphql_type(MilestoneEntry, "MilestoneUnlocked")
graphql_type(SubjectSummary)
graphql_type(NextLesson)
graphql_type(Dashboard, "StudentDashboard")
graphql_type(LessonState)
graphql_type(TopicProgress)
graphql_type(SubjectProgress)
graphql_type(HistoryEntry)
graphql_type(Position, "LessonPosition")
graphql_type(Resumed, "ResumedLearning")
graphql_type(RecordedProgress)

__all__ = ["Dashboard", "HistoryEntry", "RecordedProgress", "Resumed", "SubjectProgress"]
