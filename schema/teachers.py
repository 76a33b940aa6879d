"""Types of the teacher's screens, made from the resolvers' result
classes (schema/results.py). A class nests its students, its performance and its students
to help, so the teacher's class screen is one query; each nested field is loaded for all
the classes of the answer at once (a DataLoader per request), not once per class."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from resolvers import at_risk, teachers
from resolvers.assignments import AssignmentView
from resolvers.context import Context
from resolvers.pagination import DEFAULT_LIMIT
from resolvers.teachers import ClassPerformance, ClassStudent, StudentStanding, TeacherClass
from schema.pagination import Page, Pagination
from schema.prediction import AtRiskStudent
from schema.results import graphql_type

graphql_type(ClassStudent)
graphql_type(StudentStanding)
graphql_type(ClassPerformance)
graphql_type(AssignmentView, "Assignment")

# fetch(context, class ids, *arguments) -> {class id: answer}
Fetch = Callable[..., Awaitable[dict[int, Any]]]


def thresholds(
    info: Info[Context, None],
    top_score: float | None,
    support_score: float | None,
    support_progress: float | None,
    size: int | None,
) -> teachers.Thresholds:
    """The performance bars asked for, the settings' where not."""
    settings = info.context.state.settings
    return teachers.Thresholds(
        top_score=settings.top_performer_score if top_score is None else top_score,
        support_score=settings.needs_support_score if support_score is None else support_score,
        support_progress=settings.needs_support_progress
        if support_progress is None
        else support_progress,
        size=settings.performance_list_size if size is None else size,
    )


def _per_class(info: Info[Context, None], fetch: Fetch, class_id: int, *arguments: Any) -> Any:
    """`fetch`'s answer for one class, fetched once for every class of this request that
    asks with the same arguments."""
    batches = info.context.batches
    loader = batches.get(fetch)
    if loader is None:

        async def load(keys: Sequence[tuple[Any, ...]]) -> list[Any]:
            asked: dict[tuple[Any, ...], list[int]] = defaultdict(list)
            for key in keys:
                asked[key[1:]].append(key[0])
            found: dict[tuple[Any, ...], Any] = {}
            for same, class_ids in asked.items():
                answers = await fetch(info.context, class_ids, *same)
                found.update({(class_id, *same): answers[class_id] for class_id in class_ids})
            return [found[key] for key in keys]

        loader = batches[fetch] = DataLoader(load_fn=load)
    return loader.load((class_id, *arguments))


@strawberry.type(name="TeacherClass", description=TeacherClass.__doc__)
class TeacherClassNode(TeacherClass):
    @strawberry.field(description="A page of the class's students, by name.")
    async def students(
        self, info: Info[Context, None], limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[ClassStudent]:
        page = await _per_class(info, teachers.my_classes_students, self.id, limit, offset)
        return Page(items=page.items, pagination=Pagination.of(page))

    @strawberry.field(description="How the class is doing (as classPerformance).")
    async def performance(
        self,
        info: Info[Context, None],
        top_score: float | None = None,
        support_score: float | None = None,
        support_progress: float | None = None,
        size: int | None = None,
    ) -> ClassPerformance | None:
        bars = thresholds(info, top_score, support_score, support_progress, size)
        found: ClassPerformance | None = await _per_class(
            info, teachers.my_classes_performance, self.id, bars
        )
        return found

    @strawberry.field(
        description="The class's unfinished enrollments least likely to complete, with "
        "reasons (as atRiskStudents(classId))."
    )
    async def at_risk(self, info: Info[Context, None], limit: int = 20) -> list[AtRiskStudent]:
        rows = await _per_class(info, at_risk.at_risk_by_class, self.id, limit)
        return [AtRiskStudent.of(row) for row in rows]

    @classmethod
    def of(cls, row: TeacherClass) -> "TeacherClassNode":
        return cls(**vars(row))


__all__ = ["AssignmentView", "ClassPerformance", "ClassStudent", "TeacherClassNode", "thresholds"]
