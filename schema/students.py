"""Types of a learner's own screens (grio-api-v1.txt §6). The resolvers' result classes
become the GraphQL types themselves (decorated here, in place): these screens have no field
to compute lazily, so a second class per type would only repeat the first."""

import strawberry

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


def graphql_type(result: type, name: str | None = None) -> None:
    """Makes a resolver's frozen dataclass a GraphQL object type, described by its docstring."""
    strawberry.type(result, name=name, description=result.__doc__)


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
