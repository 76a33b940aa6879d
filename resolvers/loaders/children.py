"""All child rows of many parents (a class's subjects, a topic's lessons...), in their
display order, one SELECT per batch of parents."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlmodel import SQLModel, col, func, select
from strawberry.dataloader import DataLoader

from models.db import SessionFactory

Row = TypeVar("Row", bound=SQLModel)


class ChildrenLoader(DataLoader[Any, list[Row]], Generic[Row]):
    def __init__(
        self,
        sessions: SessionFactory,
        model: type[Row],
        parent: Any,  # the foreign-key column, e.g. Lesson.topic_id
        order_by: Sequence[Any],
    ) -> None:
        self._sessions, self._model, self._parent, self._order = sessions, model, parent, order_by
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[Any]) -> list[list[Row]]:
        grouped: dict[Any, list[Row]] = defaultdict(list)
        statement = select(self._model).where(col(self._parent).in_(keys)).order_by(*self._order)
        async with self._sessions() as session:
            for row in await session.exec(statement):
                grouped[getattr(row, self._parent.key)].append(row)
        return [grouped.get(key, []) for key in keys]


class CountLoader(DataLoader[int, int]):
    """How many child rows each parent has, one GROUP BY per batch."""

    def __init__(self, sessions: SessionFactory, parent: Any) -> None:
        self._sessions, self._parent = sessions, parent
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[int]:
        statement = (
            select(self._parent, func.count())
            .where(col(self._parent).in_(keys))
            .group_by(self._parent)
        )
        async with self._sessions() as session:
            counts = dict((await session.exec(statement)).all())
        return [counts.get(key, 0) for key in keys]
