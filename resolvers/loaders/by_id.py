"""Rows of one table by primary key, one SELECT per batch of keys."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlmodel import SQLModel, col, select
from strawberry.dataloader import DataLoader

from models.db import SessionFactory

Row = TypeVar("Row", bound=SQLModel)


class ByIdLoader(DataLoader[Any, Row | None], Generic[Row]):
    def __init__(self, sessions: SessionFactory, model: type[Row]) -> None:
        self._sessions = sessions
        self._model = model
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[Any]) -> list[Row | None]:
        primary_key = self._model.id  # type: ignore[attr-defined]
        async with self._sessions() as session:
            rows = await session.exec(select(self._model).where(col(primary_key).in_(keys)))
            by_id = {row.id: row for row in rows}  # type: ignore[attr-defined]
        return [by_id.get(key) for key in keys]
