"""All child rows of many parents (a class's subjects, a topic's lessons...), in their
display order, one SELECT per batch of parents."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col
from strawberry.dataloader import DataLoader

from models.db import read_rows

Row = TypeVar("Row", bound=SQLModel)


class ChildrenLoader(DataLoader[Any, list[Row]], Generic[Row]):
    def __init__(
        self,
        engine: AsyncEngine,
        model: type[Row],
        parent: Any,  # the foreign-key column, e.g. Lesson.topic_id
        order_by: Sequence[Any],
    ) -> None:
        self._engine, self._model, self._parent, self._order = engine, model, parent, order_by
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[Any]) -> list[list[Row]]:
        grouped: dict[Any, list[Row]] = defaultdict(list)
        table = self._model.__table__  # type: ignore[attr-defined]
        statement = select(table).where(col(self._parent).in_(keys)).order_by(*self._order)
        for row in await read_rows(self._engine, statement):
            grouped[getattr(row, self._parent.key)].append(self._model(**row._mapping))
        return [grouped.get(key, []) for key in keys]


class CountLoader(DataLoader[int, int]):
    """How many child rows each parent has, one GROUP BY per batch."""

    def __init__(self, engine: AsyncEngine, parent: Any) -> None:
        self._engine, self._parent = engine, parent
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[int]:
        statement = (
            select(self._parent, func.count())
            .where(col(self._parent).in_(keys))
            .group_by(self._parent)
        )
        counts: dict[Any, int] = dict(await read_rows(self._engine, statement))  # type: ignore[arg-type]
        return [counts.get(key, 0) for key in keys]
